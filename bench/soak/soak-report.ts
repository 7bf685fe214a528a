import { cpus, loadavg } from "node:os";
import type { LoadReport } from "../../packages/cli/src/load/load-engine.ts";
import { SOAK_LIMITS, type SoakSample, type SoakVerdict } from "./soak-verdict.ts";

/** One rate of the capacity ramp. */
export interface CapacityStep {
  rate: number;
  passed: boolean;
  report: LoadReport;
}

/** Everything one soak run reports. */
export interface SoakResult {
  capacity: number;
  steps: CapacityStep[];
  rate: number;
  durationSeconds: number;
  report: LoadReport;
  samples: SoakSample[];
  verdict: SoakVerdict;
  /** Extra arguments the relay was started with. */
  relayArgs: readonly string[];
}

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
const mark = (ok: boolean) => (ok ? "ok" : "FAILED");

function capacityLines(result: SoakResult): string[] {
  return [
    "| rate asked /s | answered /s | authorize p50 ms | authorize p99 ms | errors | step |",
    "|---:|---:|---:|---:|---:|---|",
    ...result.steps.map(({ rate, passed, report }) => {
      const authorize = report.kinds.authorize;
      return `| ${rate} | ${report.throughput} | ${authorize?.p50 ?? "-"} | ${authorize?.p99 ?? "-"} | ${report.errorCount} | ${passed ? "pass" : "fail"} |`;
    }),
  ];
}

function kindLines(report: LoadReport): string[] {
  return [
    "| kind | calls | errors | p50 ms | p90 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...Object.entries(report.kinds).map(
      ([kind, k]) =>
        `| ${kind} | ${k.count} | ${k.errors} | ${k.p50} | ${k.p90} | ${k.p99} | ${k.max} |`,
    ),
  ];
}

function sampleLines(samples: readonly SoakSample[]): string[] {
  return [
    "| t s | answered | errors | p50 ms | p99 ms | RSS MiB | heap used MiB | external MiB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...samples.map(
      (s) =>
        `| ${s.at} | ${s.answered} | ${s.errors} | ${s.p50} | ${s.p99} | ${mib(s.rssBytes)} | ${mib(s.heapUsedBytes)} | ${mib(s.externalBytes)} |`,
    ),
  ];
}

/**
 * The Markdown section of one soak run: machine, capacity ramp, verdict, per-kind latencies and
 * the sampled intervals.
 *
 * @example
 * writeFileSync("bench/RESULTS-soak.md", soakMarkdown(result));
 */
export function soakMarkdown(result: SoakResult): string {
  const { report, verdict } = result;
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  const errors = Object.entries(report.errors)
    .map(([code, n]) => `${code} ${n}`)
    .join(", ");
  return [
    `## ${new Date().toISOString()}: ${verdict.ok ? "PASS" : "FAIL"}`,
    "",
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, load average at the end ${load} (the machine is shared: other work runs beside the relay and the generator).`,
    `Relay: \`ants relay start\`, SQLite with synchronous=FULL, logs at warn${result.relayArgs.length === 0 ? "" : `, \`${result.relayArgs.join(" ")}\``}. Generator: ${report.agents} agents in the same process as this script, open loop.`,
    "",
    result.steps.length === 0
      ? `No capacity ramp: the rate was given (--rate); capacity stands for rate / 0.8.`
      : `Capacity ramp (${result.steps[0]?.report.durationSeconds ?? 0} s per rate; a step passes with no error or mismatch, at least 0.9 of the rate answered and authorize p99 at most ${SOAK_LIMITS.capacityP99Ms} ms; a first step at the lowest rate warms the relay up and is not counted): capacity **${result.capacity}/s**${result.steps.some((step) => step.passed) ? "" : " (no rate passed: half the lowest)"}.`,
    "",
    ...(result.steps.length === 0 ? [] : [...capacityLines(result), ""]),
    `Soak on a fresh relay at **${result.rate}/s**${result.steps.length === 0 ? "" : " (80 percent)"} for ${result.durationSeconds} s: ${report.completed} calls answered, ${report.throughput}/s.`,
    "",
    `- errors: ${mark(verdict.errors.ok)}, ${verdict.errors.count} (${errors || "none"}; mismatches ${report.mismatches}, skipped ${report.skipped})`,
    `- memory: ${mark(verdict.memory.ok)}, RSS slope ${verdict.memory.rssMiBPerMinute} MiB/min over the second half (limit ${SOAK_LIMITS.rssMiBPerMinute}); heap used slope ${verdict.memory.heapMiBPerMinute} MiB/min (sampled between collections, so only a guide)`,
    `- p99: ${mark(verdict.p99.ok)}, median interval p99 ${verdict.p99.firstThirdMs} ms in the first third, ${verdict.p99.lastThirdMs} ms in the last (drift ${verdict.p99.drift}, limit ${SOAK_LIMITS.p99Drift})`,
    "",
    ...kindLines(report),
    "",
    ...sampleLines(result.samples),
    "",
  ].join("\n");
}
