/**
 * Soak run (minutes; not in CI). Measures the relay's capacity briefly with the load generator
 * (`ants bench load`'s engine) at rising rates, then drives a fresh relay at 80 percent of it for
 * `--duration`, sampling the relay's RSS and heap (from /metrics) and the p99 of each interval.
 * Verdict: zero errors, memory flat, p99 stable (limits in bench/soak/soak-verdict.ts). Writes a
 * section at the top of bench/RESULTS-soak.md and prints it.
 *
 *   npm run soak [-- --duration 5m] [--agents 20] [--interval 10] [--out FILE]
 *     [--rate R]        soak at R calls per second, without the capacity ramp
 *     [--trust FILE]    passed to ants relay start --trust
 *
 * Exit status 1 when the verdict fails.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { driveLoad, type LoadReport } from "../packages/cli/src/load/load-engine.ts";
import { prepareLoad } from "../packages/cli/src/load/load-fixtures.ts";
import { type RelayUnderTest, relayMemory, startRelay } from "./soak/soak-relay.ts";
import { type CapacityStep, soakMarkdown } from "./soak/soak-report.ts";
import { judgeSoak, SOAK_LIMITS, type SoakSample } from "./soak/soak-verdict.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5m" },
    agents: { type: "string", default: "20" },
    interval: { type: "string", default: "10" },
    out: { type: "string", default: join(import.meta.dirname, "RESULTS-soak.md") },
    // Soak at this rate instead of 80 percent of a measured capacity (no ramp).
    rate: { type: "string" },
    // Passed to ants relay start --trust, e.g. a short evidence.actionWindowSeconds.
    trust: { type: "string" },
  },
});
const CAPACITY_STEP_SECONDS = SOAK_LIMITS.capacityStepSeconds;
const CAPACITY_RATES = [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560];
const CAPACITY_P99_MS = SOAK_LIMITS.capacityP99Ms;
const SOAK_FRACTION = 0.8;
const TITLE = "# Soak runs\n\nWritten by `npm run soak`; the newest run first.\n";

function seconds(text: string): number {
  const match = /^([0-9]+)([sm]?)$/.exec(text);
  if (match === null) throw new Error(`--duration: expected e.g. 300, 180s or 5m, got ${text}`);
  return Number(match[1]) * (match[2] === "m" ? 60 : 1);
}

const progress = (line: string) => process.stderr.write(`soak: ${line}\n`);

function stepPasses(rate: number, report: LoadReport): boolean {
  return (
    report.errorCount === 0 &&
    report.mismatches === 0 &&
    report.skipped === 0 &&
    report.throughput >= 0.9 * rate &&
    (report.kinds.authorize?.p99 ?? 0) <= CAPACITY_P99_MS
  );
}

/** Rising rates on one relay until a step fails; capacity is the highest rate that passed. */
async function measureCapacity(
  agents: number,
): Promise<{ capacity: number; steps: CapacityStep[] }> {
  const relay = await startRelay("capacity", relayArgs);
  const steps: CapacityStep[] = [];
  try {
    const fixture = await prepareLoad(relay.url, { agents, rotators: 2 });
    // Warm-up, not counted: the relay's first requests compile code paths and fill caches.
    await driveLoad(fixture, { rate: CAPACITY_RATES[0]!, durationSeconds: CAPACITY_STEP_SECONDS });
    let capacity = 0;
    for (const rate of CAPACITY_RATES) {
      const { report } = await driveLoad(fixture, { rate, durationSeconds: CAPACITY_STEP_SECONDS });
      const passed = stepPasses(rate, report);
      steps.push({ rate, passed, report });
      progress(
        `capacity step ${rate}/s: ${report.throughput}/s answered, ` +
          `p99 ${report.kinds.authorize?.p99} ms, ${report.errorCount} errors -> ${passed ? "pass" : "fail"}`,
      );
      if (!passed) break;
      capacity = rate;
    }
    return { capacity: Math.max(capacity, CAPACITY_RATES[0]! / 2), steps };
  } finally {
    await relay.stop();
    progress(`relay warnings and errors: ${relay.logFile}`);
  }
}

/** The soak itself on a fresh relay, sampling memory and the interval's latencies. */
async function soak(relay: RelayUnderTest, rate: number, durationSeconds: number, agents: number) {
  const fixture = await prepareLoad(relay.url, { agents, rotators: 2 });
  const pending: Promise<SoakSample>[] = [];
  const { report } = await driveLoad(fixture, {
    rate,
    durationSeconds,
    intervalMs: Number(values.interval) * 1000,
    onProgress: ({ elapsedSeconds, interval }) => {
      pending.push(
        relayMemory(relay).then((memory) => ({
          at: Math.round(elapsedSeconds),
          answered: interval.count,
          errors: interval.errors,
          p50: interval.p50,
          p99: interval.p99,
          ...memory,
        })),
      );
      progress(
        `${Math.round(elapsedSeconds)} s: ${interval.count} answered, p99 ${interval.p99} ms`,
      );
    },
  });
  return { report, samples: await Promise.all(pending) };
}

const durationSeconds = seconds(values.duration);
const agents = Number(values.agents);
const relayArgs = values.trust === undefined ? [] : ["--trust", values.trust];
const { capacity, steps } =
  values.rate === undefined
    ? await measureCapacity(agents)
    : { capacity: Number(values.rate) / SOAK_FRACTION, steps: [] };
const rate = Math.max(1, Math.round(capacity * SOAK_FRACTION));
progress(`capacity ${capacity}/s; soaking at ${rate}/s for ${durationSeconds} s`);
const relay = await startRelay("soak", relayArgs);
let result: Awaited<ReturnType<typeof soak>>;
try {
  result = await soak(relay, rate, durationSeconds, agents);
} finally {
  await relay.stop();
  progress(`relay warnings and errors: ${relay.logFile}`);
}
const { report, samples } = result;
const verdict = judgeSoak(samples, {
  errors: report.errorCount + report.mismatches + report.skipped,
});
const section = soakMarkdown({
  ...{ capacity, steps, rate, durationSeconds },
  ...{ report, samples, verdict, relayArgs },
});
const previous = existsSync(values.out) ? readFileSync(values.out, "utf8") : TITLE;
const rest = previous.startsWith(TITLE) ? previous.slice(TITLE.length) : `\n${previous}`;
writeFileSync(values.out, `${TITLE}\n${section}${rest}`);
process.stdout.write(`${section}\nwritten to ${values.out}\n`);
if (!verdict.ok) process.exitCode = 1;
