import { cpus, loadavg } from "node:os";
import { AUDIT_APPEND_HISTORY, NOT_MEASURED } from "./explanations.ts";
import type { BenchmarkOutcome, JudgedBudget, SummarisedFigure } from "./spec.ts";

/** The machine a run happened on, as RESULTS.md reports it. */
export interface MachineInfo {
  readonly cores: number;
  readonly cpu: string;
  readonly node: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
}

/**
 * The machine as it is now (load average read now).
 *
 * @example
 * const machine = machineInfo(loadavg());
 */
export function machineInfo(loadBefore: readonly number[]): MachineInfo {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    node: process.version,
    loadBefore,
    loadAfter: loadavg(),
  };
}

const round = (value: number) =>
  Math.abs(value) >= 100
    ? value.toFixed(0)
    : Math.abs(value) >= 1
      ? value.toFixed(2)
      : value.toPrecision(3);

function figureRow(figure: SummarisedFigure): string {
  const reference =
    figure.reference === undefined
      ? "none in this benchmark"
      : `${figure.reference.name}: ${round(figure.reference.value)}`;
  const ratio = figure.ratio === undefined ? "-" : figure.ratio.toFixed(3);
  const spread = `${(figure.spread * 100).toFixed(0)}% (${figure.runs} runs)`;
  return `| ${figure.name} | ${round(figure.median)} ${figure.unit} | ${spread} | ${reference} | ${ratio} |`;
}

function budgetRow(budget: JudgedBudget): string {
  const measured = budget.measured === undefined ? "not measured" : round(budget.measured);
  const verdict = budget.met ? "met" : "**missed**";
  return `| ${budget.name} | ${budget.on} ${budget.op} ${budget.limit} | ${measured} | ${verdict} |`;
}

function budgetsSection(outcomes: readonly BenchmarkOutcome[]): string[] {
  const budgets = outcomes.flatMap((outcome) => outcome.budgets);
  const missed = budgets.filter((budget) => !budget.met);
  const explained = new Set<string>();
  const lines = ["## Budgets", "", "| budget | rule | median | verdict |", "|---|---|---|---|"];
  lines.push(...budgets.map(budgetRow), "");
  for (const budget of missed) {
    if (budget.explanation === undefined || explained.has(budget.explanation)) continue;
    explained.add(budget.explanation);
    lines.push(`### Missed: ${budget.name}`, "", budget.explanation, "");
  }
  const unexplained = missed.filter((budget) => budget.explanation === undefined);
  if (unexplained.length > 0) {
    lines.push("### Missed, not profiled yet", "");
    lines.push(...unexplained.map((budget) => `- ${budget.name}`), "");
  }
  return lines;
}

function benchmarkSection(outcome: BenchmarkOutcome): string[] {
  const { spec } = outcome;
  const title = `## ${spec.name} (bench/${spec.script}, ${outcome.seconds.toFixed(0)} s)`;
  if (outcome.error !== undefined) {
    return [title, "", `Failed: \`${outcome.error.slice(0, 600)}\``, ""];
  }
  return [
    title,
    "",
    `Arguments: \`${spec.args.join(" ")}\``,
    "",
    "| figure | median | spread | reference (same run) | ratio to reference |",
    "|---|---|---|---|---|",
    ...outcome.figures.map(figureRow),
    "",
  ];
}

/**
 * RESULTS.md: the machine, every budget with met or missed (and for a missed one what bounds
 * it), then each benchmark's figures with their spread and reference.
 *
 * @example
 * writeFileSync("bench/RESULTS.md", resultsMarkdown(outcomes, machineInfo(before), 612));
 */
export function resultsMarkdown(
  outcomes: readonly BenchmarkOutcome[],
  machine: MachineInfo,
  totalSeconds: number,
): string {
  const load = (values: readonly number[]) => values.map((v) => v.toFixed(2)).join(" ");
  const lines = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` (bench/run.ts). Each figure is the median over the runs shown,",
    "spread is (max - min) / median, and every ratio compares the figure with a reference",
    "measured in the same process run, because this machine is shared and noisy.",
    "",
    `- Machine: ${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`,
    `- Load average (1, 5, 15 min): ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after`,
    `- Total time: ${(totalSeconds / 60).toFixed(1)} min`,
    "",
    ...budgetsSection(outcomes),
    ...outcomes.flatMap(benchmarkSection),
    AUDIT_APPEND_HISTORY,
    "",
    NOT_MEASURED,
    "",
  ];
  return lines.join("\n");
}
