/**
 * The benchmark suite: runs every benchmark of bench/ as its own process (several runs each),
 * and writes bench/RESULTS.md with medians, spreads, references, ratios and budgets.
 *
 *   npm run bench                      full suite (under 15 minutes on two shared cores)
 *   npm run bench -- --smoke           one short run of each (seconds), writes nothing
 *   npm run bench -- --only audit-append,chain-verify [--out FILE]
 *
 * Progress goes to stderr. Exit status 1 when a benchmark failed to run; a missed budget is a
 * result, reported in the file, not a failure.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { BENCHMARKS } from "./suite/benchmarks.ts";
import { machineInfo, resultsMarkdown } from "./suite/results-markdown.ts";
import { runBenchmark } from "./suite/run-benchmark.ts";
import type { BenchmarkOutcome } from "./suite/spec.ts";

/** Settings of {@link runSuite}. */
export interface SuiteOptions {
  readonly smoke: boolean;
  /** Names of the benchmarks to run; all when absent. */
  readonly only?: readonly string[];
  readonly progress?: (line: string) => void;
}

/**
 * Runs the benchmarks one after the other (never two at once: they would measure each other).
 *
 * @example
 * const outcomes = await runSuite({ smoke: true });
 * outcomes.filter((o) => o.error !== undefined); // benchmarks that broke
 */
export async function runSuite(options: SuiteOptions): Promise<BenchmarkOutcome[]> {
  const selected = BENCHMARKS.filter(
    (spec) =>
      (options.only === undefined || options.only.includes(spec.name)) &&
      !(options.smoke && spec.skipInSmoke === true),
  );
  const outcomes: BenchmarkOutcome[] = [];
  for (const spec of selected) {
    const outcome = await runBenchmark(spec, options);
    options.progress?.(
      `${spec.name}: ${outcome.error === undefined ? "done" : "FAILED"} in ${outcome.seconds.toFixed(0)} s`,
    );
    outcomes.push(outcome);
  }
  return outcomes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      smoke: { type: "boolean", default: false },
      only: { type: "string" },
      out: { type: "string", default: join(import.meta.dirname, "RESULTS.md") },
    },
  });
  const loadBefore = loadavg();
  const started = performance.now();
  const outcomes = await runSuite({
    smoke: values.smoke,
    ...(values.only === undefined ? {} : { only: values.only.split(",") }),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  const seconds = (performance.now() - started) / 1000;
  if (!values.smoke) {
    writeFileSync(values.out, resultsMarkdown(outcomes, machineInfo(loadBefore), seconds));
    process.stderr.write(`wrote ${values.out}\n`);
  }
  for (const outcome of outcomes) {
    for (const budget of outcome.budgets) {
      process.stderr.write(`${budget.met ? "met   " : "MISSED"} ${budget.name}\n`);
    }
  }
  if (outcomes.some((outcome) => outcome.error !== undefined)) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
