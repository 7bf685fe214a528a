/**
 * The shapes the suite works with: a benchmark to run, the figures read from its JSON output,
 * and the budgets judged on them. Every figure has a reference measured in the same process run
 * (issue "Performance suite"): on a shared machine an absolute time alone says little.
 */

/** The reference a figure is compared with, measured in the same run. */
export interface Reference {
  readonly name: string;
  readonly value: number;
}

/**
 * One figure of one run of a benchmark.
 *
 * @example
 * const figure: Figure = { name: "audit append", unit: "entries/s", value: 9000,
 *   reference: { name: "raw SQLite", value: 30000 }, ratio: 0.3 };
 */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly reference?: Reference;
  /** value / reference unless the benchmark reports its own (it may compare rates inversely). */
  readonly ratio?: number;
}

/**
 * A budget: a figure's value or ratio against a limit. `explanation` says, from a profile, what
 * bounds the figure when the budget is missed.
 *
 * @example
 * const budget: Budget = { name: "audit append >= 20,000/s", figure: "audit append",
 *   on: "value", op: ">=", limit: 20_000 };
 */
export interface Budget {
  readonly name: string;
  readonly figure: string;
  readonly on: "value" | "ratio";
  readonly op: "<=" | ">=";
  readonly limit: number;
  readonly explanation?: string;
}

/**
 * A benchmark script of bench/ and how the suite runs it: the script is run `runs` times as its
 * own process with `--json`, and `figures` reads one run's output.
 *
 * @example
 * const spec: BenchmarkSpec = { name: "audit-append", script: "audit-append.ts", args: [],
 *   smokeArgs: ["--entries", "300"], runs: 3, figures: readAuditAppend, budgets: [] };
 */
export interface BenchmarkSpec {
  readonly name: string;
  readonly script: string;
  readonly nodeFlags?: readonly string[];
  readonly args: readonly string[];
  readonly smokeArgs: readonly string[];
  readonly runs: number;
  /** Left out of smoke runs: another spec already runs the same script. */
  readonly skipInSmoke?: boolean;
  readonly figures: (output: unknown) => Figure[];
  readonly budgets: readonly Budget[];
}

/** A figure over all runs of its benchmark. */
export interface SummarisedFigure {
  readonly benchmark: string;
  readonly name: string;
  readonly unit: string;
  readonly runs: number;
  readonly median: number;
  /** (max - min) / median over the runs; 0 for a single run. */
  readonly spread: number;
  readonly reference?: Reference;
  readonly ratio?: number;
}

/** A budget judged on the median of its figure. */
export interface JudgedBudget extends Budget {
  readonly benchmark: string;
  readonly measured: number | undefined;
  readonly met: boolean;
}

/** What one benchmark produced: its figures, or why it failed. */
export interface BenchmarkOutcome {
  readonly spec: BenchmarkSpec;
  readonly figures: SummarisedFigure[];
  readonly budgets: JudgedBudget[];
  readonly seconds: number;
  readonly error?: string;
}
