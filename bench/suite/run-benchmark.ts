import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseBenchOutput } from "./read-output.ts";
import type { BenchmarkOutcome, BenchmarkSpec, Figure } from "./spec.ts";
import { judgeBudgets, summariseFigures } from "./summarise.ts";

const BENCH_DIR = join(import.meta.dirname, "..");

/** How the suite runs: full (several runs, full sizes) or smoke (one short run each). */
export interface RunOptions {
  readonly smoke: boolean;
  /** Called with a line of progress (the suite prints these on stderr). */
  readonly progress?: (line: string) => void;
}

/**
 * Runs one benchmark `spec.runs` times (once in smoke mode), each as its own Node process with
 * `--json`, and summarises its figures and judges its budgets. A failing run ends the benchmark
 * with its error, never the suite.
 *
 * @example
 * const outcome = await runBenchmark(spec, { smoke: true });
 */
export async function runBenchmark(
  spec: BenchmarkSpec,
  options: RunOptions,
): Promise<BenchmarkOutcome> {
  const started = performance.now();
  const runs: Figure[][] = [];
  const count = options.smoke ? 1 : spec.runs;
  try {
    for (let run = 1; run <= count; run++) {
      options.progress?.(`${spec.name}: run ${run} of ${count}`);
      const stdout = await runScript(spec, options.smoke ? spec.smokeArgs : spec.args);
      runs.push(spec.figures(parseBenchOutput(stdout)));
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { spec, figures: [], budgets: [], seconds: secondsSince(started), error: message };
  }
  const figures = summariseFigures(spec.name, runs);
  const budgets = judgeBudgets(spec.name, spec.budgets, figures);
  return { spec, figures, budgets, seconds: secondsSince(started) };
}

function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

function runScript(spec: BenchmarkSpec, args: readonly string[]): Promise<string> {
  const argv = [
    ...(spec.nodeFlags ?? []),
    "--import",
    "tsx",
    join(BENCH_DIR, spec.script),
    ...args,
    "--json",
  ];
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += String(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    // Only the end is kept: enough to say why a run failed.
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${spec.script} exited with ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}
