/**
 * Handle proof of work: what a claim costs the relay to verify, next to one bare SHA-256 as
 * reference, and how much solve times spread, on one core.
 *
 *   node --import tsx bench/handle-pow.ts [--solves 30] [--small-solves 300]
 *     [--verifications 20000] [--json]
 *
 * Targets (issue "Handles with proof of work"): verification under 1 ms at p99 and at least
 * 5,000 per second per core; p95 solve time under 1.6 times the median at default difficulty.
 * `--small-solves` repeats the spread measurement at 1/16 of the default difficulty, with the
 * same 32-sub-puzzle structure, to get many more samples in the same time.
 */
import { hash } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import {
  DEFAULT_BASE_DIFFICULTY,
  didFromPublicKey,
  generateKeyPair,
  type HandleChallenge,
  type HandleSolution,
  issueChallenge,
  type SolveProgress,
  solvePuzzle,
  verifySolution,
} from "../packages/protocol/src/index.ts";

const { values: args } = parseArgs({
  options: {
    solves: { type: "string", default: "30" },
    "small-solves": { type: "string", default: "300" },
    verifications: { type: "string", default: "20000" },
    json: { type: "boolean", default: false },
  },
});

const NOW = Math.floor(Date.now() / 1000);
const secret = new Uint8Array(32).fill(0x5a);
const agent = didFromPublicKey(generateKeyPair().publicKey);

interface Claim {
  challenge: HandleChallenge;
  solution: HandleSolution;
}

function quantile(sorted: readonly number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return {
    n: sorted.length,
    mean,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
  };
}

function issue(handle: string, difficulty: number): HandleChallenge {
  return issueChallenge({ handle, agent, difficulty, expiresAt: NOW + 86_400, secret });
}

/** One SHA-256 of the 41-byte attempt the puzzle hashes: the unit difficulty is counted in. */
function benchBareSha256(count: number) {
  const input = Buffer.alloc(41, 1);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    input.writeUInt32BE(i, 37);
    const started = performance.now();
    hash("sha256", input, "buffer");
    samples.push((performance.now() - started) * 1000);
  }
  const started = performance.now();
  for (let i = 0; i < count; i++) hash("sha256", input, "buffer");
  const perSecond = count / ((performance.now() - started) / 1000);
  return { microseconds: summarise(samples), perSecond };
}

/**
 * Sequential verifications on one core, cycling through distinct genuine claims. Each is timed
 * on the wall clock and in process CPU time: on a shared machine the wall clock also counts
 * time the process waited for a core, CPU time does not.
 */
async function benchVerify(handle: string, claims: readonly Claim[], count: number) {
  const wall: number[] = [];
  const cpu: number[] = [];
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const { challenge, solution } = claims[i % claims.length]!;
    const c = process.cpuUsage();
    const t = performance.now();
    await verifySolution({ challenge, solution, handle, agent, secret, now: NOW });
    wall.push((performance.now() - t) * 1000);
    cpu.push(cpuMicros(process.cpuUsage(c)));
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  const perCpuSecond = count / (cpuMicros(process.cpuUsage(cpuStarted)) / 1e6);
  return {
    microseconds: summarise(wall),
    cpuMicroseconds: summarise(cpu),
    perSecond,
    perCpuSecond,
  };
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

function solveMany(difficulty: number, count: number) {
  const seconds: number[] = [];
  const hashes: number[] = [];
  const cpuSeconds: number[] = [];
  for (let i = 0; i < count; i++) {
    let last: SolveProgress | undefined;
    const challenge = issue("kevin-smith", difficulty);
    const c = process.cpuUsage();
    const started = performance.now();
    solvePuzzle(challenge, { now: NOW, maxDifficulty: 2 ** 40, onProgress: (p) => (last = p) });
    seconds.push((performance.now() - started) / 1000);
    cpuSeconds.push(cpuMicros(process.cpuUsage(c)) / 1e6);
    hashes.push(last!.hashes);
  }
  const time = summarise(seconds);
  const cpu = summarise(cpuSeconds);
  const work = summarise(hashes);
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    difficulty,
    seconds: time,
    cpuSeconds: cpu,
    hashes: work,
    hashesPerCpuSecond: total(hashes) / total(cpuSeconds),
    p95OverMedianTime: time.p95 / time.p50,
    p95OverMedianCpu: cpu.p95 / cpu.p50,
    p95OverMedianHashes: work.p95 / work.p50,
  };
}

function makeClaims(handle: string, difficulty: number, count: number): Claim[] {
  return Array.from({ length: count }, () => {
    const challenge = issue(handle, difficulty);
    return { challenge, solution: solvePuzzle(challenge, { now: NOW }) };
  });
}

async function main() {
  const loadBefore = loadavg()[0]!;
  const verifications = Number(args.verifications);
  const bare = benchBareSha256(200_000);

  // Verification cost does not depend on difficulty: it is always 33 hashes (spec section 5).
  const longClaims = makeClaims("kevin-smith", 4096, 64);
  await benchVerify("kevin-smith", longClaims, 2000);
  const verifyLong = await benchVerify("kevin-smith", longClaims, verifications);
  const shortClaims = makeClaims("bob", 4096, 8);
  const verifyShort = await benchVerify("bob", shortClaims, 40);

  const small = solveMany(Math.round(DEFAULT_BASE_DIFFICULTY / 16), Number(args["small-solves"]));
  const full = solveMany(DEFAULT_BASE_DIFFICULTY, Number(args.solves));

  const load = { before: loadBefore, after: loadavg()[0]!, cores: cpus().length };
  const result = {
    node: process.version,
    cpu: cpus()[0]?.model,
    load,
    bare,
    verifyLong,
    verifyShort,
    small,
    full,
  };
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  printReport(result);
}

type Verify = Awaited<ReturnType<typeof benchVerify>>;
type Solves = ReturnType<typeof solveMany>;

function printReport(r: {
  cpu: string | undefined;
  load: { before: number; after: number; cores: number };
  bare: ReturnType<typeof benchBareSha256>;
  verifyLong: Verify;
  verifyShort: Verify;
  small: Solves;
  full: Solves;
}) {
  const us = (x: number) => `${x.toFixed(1)} µs`;
  const int = (x: number) => Math.round(x).toLocaleString("en");
  const mark = (ok: boolean) => (ok ? "meets target" : "MISSES target");
  console.log(`# handle proof of work (${process.version}, ${r.cpu}, one core)\n`);
  console.log(
    `load average ${r.load.before.toFixed(2)} before, ${r.load.after.toFixed(2)} after, ` +
      `on ${r.load.cores} cores; wall times include waiting for a core, CPU times do not\n`,
  );
  console.log("| operation | p50 wall | p99 wall | p99 CPU | per second wall | per CPU second |");
  console.log("|---|---|---|---|---|---|");
  const b = r.bare;
  console.log(
    `| bare SHA-256, 41 bytes (reference) | ${us(b.microseconds.p50)} | ${us(b.microseconds.p99)} | - | ${int(b.perSecond)} | - |`,
  );
  for (const [name, v] of [
    ["verifySolution, handle >= 6 chars (HMAC + 33 SHA-256)", r.verifyLong],
    ["verifySolution, handle < 6 chars (+ scrypt N=2^14)", r.verifyShort],
  ] as const) {
    console.log(
      `| ${name} | ${us(v.microseconds.p50)} | ${us(v.microseconds.p99)} | ` +
        `${us(v.cpuMicroseconds.p99)} | ${int(v.perSecond)} | ${int(v.perCpuSecond)} |`,
    );
  }
  const v = r.verifyLong;
  console.log(
    `\nverification: p99 ${us(v.microseconds.p99)} wall, ${us(v.cpuMicroseconds.p99)} CPU ` +
      `(${mark(v.microseconds.p99 < 1000)}: < 1 ms); ${int(v.perSecond)}/s wall, ` +
      `${int(v.perCpuSecond)}/CPU-s (${mark(v.perSecond >= 5000)}: >= 5,000/s)\n`,
  );
  console.log(
    "| difficulty | solves | median s | p95 s | p95/median wall | p95/median CPU | p95/median hashes | hashes per CPU-s |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const s of [r.full, r.small]) {
    console.log(
      `| ${int(s.difficulty)} | ${s.seconds.n} | ${s.seconds.p50.toFixed(2)} | ${s.seconds.p95.toFixed(2)} | ` +
        `${s.p95OverMedianTime.toFixed(2)} | ${s.p95OverMedianCpu.toFixed(2)} | ` +
        `${s.p95OverMedianHashes.toFixed(2)} | ${int(s.hashesPerCpuSecond)} |`,
    );
  }
  console.log(
    `\nspread at default difficulty: p95/median ${r.full.p95OverMedianTime.toFixed(2)} wall, ` +
      `${r.full.p95OverMedianCpu.toFixed(2)} CPU (${mark(r.full.p95OverMedianCpu < 1.6)}: < 1.6)`,
  );
  console.log(
    `default difficulty: median ${r.full.cpuSeconds.p50.toFixed(2)} CPU-s per solve (aim: about 3 s)`,
  );
}

await main();
