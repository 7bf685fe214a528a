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

/** Sequential verifications on one core, cycling through distinct genuine claims. */
async function benchVerify(handle: string, claims: readonly Claim[], count: number) {
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const { challenge, solution } = claims[i % claims.length]!;
    const t = performance.now();
    await verifySolution({ challenge, solution, handle, agent, secret, now: NOW });
    samples.push((performance.now() - t) * 1000);
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  return { microseconds: summarise(samples), perSecond };
}

function solveMany(difficulty: number, count: number) {
  const seconds: number[] = [];
  const hashes: number[] = [];
  for (let i = 0; i < count; i++) {
    let last: SolveProgress | undefined;
    const challenge = issue("kevin-smith", difficulty);
    const started = performance.now();
    solvePuzzle(challenge, { now: NOW, maxDifficulty: 2 ** 40, onProgress: (p) => (last = p) });
    seconds.push((performance.now() - started) / 1000);
    hashes.push(last!.hashes);
  }
  const time = summarise(seconds);
  const work = summarise(hashes);
  const rate = hashes.reduce((a, b) => a + b, 0) / seconds.reduce((a, b) => a + b, 0);
  return {
    difficulty,
    seconds: time,
    hashes: work,
    hashesPerSecond: rate,
    p95OverMedianTime: time.p95 / time.p50,
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

  const result = { node: process.version, bare, verifyLong, verifyShort, small, full };
  if (args.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  printReport(result);
}

function printReport(r: {
  bare: Awaited<ReturnType<typeof benchBareSha256>>;
  verifyLong: Awaited<ReturnType<typeof benchVerify>>;
  verifyShort: Awaited<ReturnType<typeof benchVerify>>;
  small: ReturnType<typeof solveMany>;
  full: ReturnType<typeof solveMany>;
}) {
  const us = (x: number) => `${x.toFixed(1)} µs`;
  const row = (
    name: string,
    m: { microseconds: ReturnType<typeof summarise>; perSecond: number },
  ) =>
    `| ${name} | ${us(m.microseconds.p50)} | ${us(m.microseconds.p99)} | ${Math.round(m.perSecond).toLocaleString("en")} |`;
  const mark = (ok: boolean) => (ok ? "meets target" : "MISSES target");
  console.log(`# handle proof of work (${process.version}, one core)\n`);
  console.log("| operation | p50 | p99 | per second |\n|---|---|---|---|");
  console.log(row("bare SHA-256, 41 bytes (reference)", r.bare));
  console.log(row("verifySolution, handle >= 6 chars (HMAC + 33 SHA-256)", r.verifyLong));
  console.log(row("verifySolution, handle < 6 chars (+ scrypt 2^14)", r.verifyShort));
  const v = r.verifyLong;
  console.log(
    `\nverification: p99 ${us(v.microseconds.p99)} (${mark(v.microseconds.p99 < 1000)}: < 1 ms), ` +
      `${Math.round(v.perSecond).toLocaleString("en")}/s (${mark(v.perSecond >= 5000)}: >= 5,000/s)\n`,
  );
  console.log(
    "| difficulty | solves | median s | p95 s | p95/median (time) | p95/median (hashes) | hashes/s |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const s of [r.full, r.small]) {
    console.log(
      `| ${s.difficulty.toLocaleString("en")} | ${s.seconds.n} | ${s.seconds.p50.toFixed(2)} | ${s.seconds.p95.toFixed(2)} | ` +
        `${s.p95OverMedianTime.toFixed(2)} | ${s.p95OverMedianHashes.toFixed(2)} | ${Math.round(s.hashesPerSecond).toLocaleString("en")} |`,
    );
  }
  console.log(
    `\nspread at default difficulty: ${mark(r.full.p95OverMedianTime < 1.6)} (p95 < 1.6 x median)`,
  );
  console.log(
    `default difficulty: mean solve ${r.full.seconds.mean.toFixed(2)} s (aim: about 3 s)`,
  );
}

await main();
