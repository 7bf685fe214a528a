import type { Command } from "commander";
import { parseDuration, parseIntegerOption } from "../duration.ts";
import { type LoadProgress, type LoadReport, runLoad } from "../load/load-engine.ts";
import { LOAD_KINDS } from "../load/load-stats.ts";
import { printResult } from "../output.ts";
import { relayUrl } from "../relay-session.ts";
import { ReportedFailure } from "../reported-failure.ts";

/** The parsed options of `ants bench load`. */
interface BenchLoadOptions {
  relay?: string;
  agents: string;
  rate: string;
  duration: string;
  json?: boolean;
}

/** Without a TTY, one progress line every this many seconds. */
const PLAIN_PROGRESS_SECONDS = 5;

/**
 * Registers `ants bench load`: registers agents with in-memory keys, builds delegation chains,
 * and drives a mix of authorize, approval, revocation, outcome and rotation calls at a fixed
 * rate (open loop), with progress on stderr. Reports throughput, latency percentiles per call
 * kind, errors by code and calls whose answer differed from the expected one; exits non-zero
 * when there were errors or mismatches.
 *
 * @example
 * registerBenchLoad(program); // ants bench load --relay http://127.0.0.1:7777 --rate 200
 */
export function registerBenchLoad(program: Command): void {
  program
    .command("bench")
    .description("load and measure a relay")
    .command("load")
    .description("drive a relay with a realistic mix of calls and report latencies and errors")
    .option("--relay <url>", "the relay's URL (default: $ANTS_RELAY)")
    .option("--agents <n>", "agents to register, each with its own chain", "20")
    .option("--rate <r>", "calls started per second, whatever the answers take", "100")
    .option("--duration <d>", "how long to drive the relay, e.g. 30s or 5m", "30s")
    .option("--json", "print one JSON object for scripts")
    .action(async (options: BenchLoadOptions) => {
      const { report } = await runLoad({
        relay: relayUrl(options),
        agents: parseIntegerOption(options.agents, "--agents", 2, 100_000),
        rate: parseIntegerOption(options.rate, "--rate", 1, 1_000_000),
        durationSeconds: parseDuration(options.duration, "--duration", 86_400),
        onProgress: progressPrinter(),
      });
      if (process.stderr.isTTY) process.stderr.write("\n");
      printResult({ json: options.json === true }, report, reportLines(report));
      if (report.errorCount > 0 || report.mismatches > 0) throw new ReportedFailure(1);
    });
}

function progressPrinter(): (progress: LoadProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastPrinted = 0;
  return (progress) => {
    const line =
      `${progress.elapsedSeconds.toFixed(0)} s: ${progress.sent} sent, ` +
      `${progress.completed} answered, ${progress.inFlight} in flight, ` +
      `${progress.errors} errors, ${progress.mismatches} mismatches, ` +
      `p99 ${progress.interval.p99} ms`;
    if (tty) {
      process.stderr.write(`\r\x1b[2K${line}`);
    } else if (progress.elapsedSeconds - lastPrinted >= PLAIN_PROGRESS_SECONDS) {
      lastPrinted = progress.elapsedSeconds;
      process.stderr.write(`ants: ${line}\n`);
    }
  };
}

/**
 * The readable form of a load report: totals, one line per call kind, errors, mismatches.
 *
 * @example
 * reportLines(report); // ["relay http://...: 2998 calls in 30.1 s, 99.6 per second", ...]
 */
export function reportLines(report: LoadReport): string[] {
  const lines = [
    `relay ${report.relay}: ${report.completed} calls answered in ${report.elapsedSeconds} s, ` +
      `${report.throughput} per second (asked ${report.rate}, ${report.agents} agents)`,
    `${"kind".padEnd(10)} ${"calls".padStart(7)} ${"errors".padStart(7)}   p50 ms   p90 ms` +
      "   p99 ms   max ms",
  ];
  for (const kind of LOAD_KINDS) {
    const figures = report.kinds[kind];
    if (figures === undefined) continue;
    const times = [figures.p50, figures.p90, figures.p99, figures.max];
    lines.push(
      `${kind.padEnd(10)} ${String(figures.count).padStart(7)} ` +
        `${String(figures.errors).padStart(7)} ${times.map((t) => t.toFixed(2).padStart(8)).join(" ")}`,
    );
  }
  const errors = Object.entries(report.errors).map(([code, count]) => `${code} ${count}`);
  lines.push(`errors: ${errors.length === 0 ? "none" : errors.join(", ")}`);
  if (report.skipped > 0) lines.push(`skipped (too many in flight): ${report.skipped}`);
  lines.push(`expectation mismatches: ${report.mismatches}`);
  for (const sample of report.mismatchSamples) {
    lines.push(`  ${sample.kind}: expected ${sample.expected}, got ${sample.got}`);
  }
  return lines;
}
