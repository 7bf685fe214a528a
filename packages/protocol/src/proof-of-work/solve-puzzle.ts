import { hash } from "node:crypto";
import { encodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { type HandleChallenge, parseChallenge } from "./parse-challenge.ts";
import type { HandleSolution } from "./parse-solution.ts";
import { DEFAULT_MAX_SOLVER_DIFFICULTY, NONCE_LENGTH, SUB_PUZZLE_COUNT } from "./pow-constants.ts";
import {
  computeMemoSync,
  meetsTarget,
  needsMemoryStep,
  type PuzzleTarget,
  puzzleContext,
  puzzleTarget,
} from "./puzzle.ts";

/** What a solver reports while it works, enough for a progress bar and an estimate. */
export interface SolveProgress {
  phase: "hash" | "memory";
  /** SHA-256 evaluations so far. */
  hashes: number;
  /** The challenge's difficulty: the expected total. */
  expectedHashes: number;
  /** Sub-puzzles solved so far, out of `subPuzzleCount`. */
  subSolutions: number;
  subPuzzleCount: number;
  elapsedMs: number;
  hashesPerSecond: number;
  /** Expected time left at the rate so far; each unsolved sub-puzzle costs a fresh average. */
  estimatedRemainingMs: number;
}

/** Options of `solvePuzzle`. */
export interface SolvePuzzleOptions {
  /** Called about every `progressIntervalMs`, and once when each phase ends. */
  onProgress?: (progress: SolveProgress) => void;
  /** Default 250. */
  progressIntervalMs?: number;
  /** Unix seconds, to refuse an expired challenge before working. Default: the clock. */
  now?: number;
  /** Refuse harder challenges with ERR_POW_TOO_HARD. Default DEFAULT_MAX_SOLVER_DIFFICULTY. */
  maxDifficulty?: number;
}

/** Hashes between clock reads; reading the clock every hash would cost more than hashing. */
const CLOCK_EVERY = 4096;

/**
 * Solves a handle challenge: for each sub-puzzle k, counts nonces from 0 until
 * SHA-256(context || k || nonce) falls below the target, then adds the memory-hard step for
 * handles under 6 characters. Synchronous and self-contained, so a CLI runs it in a worker
 * thread and forwards `onProgress` as messages. Throws ERR_POW_EXPIRED, ERR_POW_TOO_HARD or a
 * `parseChallenge` error.
 *
 * @example
 * const solution = solvePuzzle(challenge, {
 *   onProgress: (p) => parentPort?.postMessage([p.subSolutions, p.estimatedRemainingMs]),
 * });
 */
export function solvePuzzle(
  challenge: HandleChallenge,
  options: SolvePuzzleOptions = {},
): HandleSolution {
  const parsed = parseChallenge(challenge);
  assertSolvable(parsed, options);

  const started = performance.now();
  const report = progressReporter(parsed, started, options);
  const nonces = new Uint8Array(SUB_PUZZLE_COUNT * NONCE_LENGTH);
  const attempt = Buffer.alloc(32 + 1 + NONCE_LENGTH);
  puzzleContext(parsed).copy(attempt, 0);
  const target = puzzleTarget(parsed.difficulty);
  let hashes = 0;

  for (let k = 0; k < SUB_PUZZLE_COUNT; k++) {
    attempt[32] = k;
    hashes += solveSubPuzzle(attempt, target, (spent) => report("hash", hashes + spent, k));
    nonces.set(attempt.subarray(33), k * NONCE_LENGTH);
  }
  report("hash", hashes, SUB_PUZZLE_COUNT, true);

  if (!needsMemoryStep(parsed.handle)) return { nonces: encodeBase64url(nonces) };
  const memo = computeMemoSync(parsed, nonces);
  report("memory", hashes, SUB_PUZZLE_COUNT, true);
  return { nonces: encodeBase64url(nonces), memo: encodeBase64url(memo) };
}

/** Counts the nonce in attempt[33..41] up from 0 until it passes; returns hashes spent. */
function solveSubPuzzle(
  attempt: Buffer,
  target: PuzzleTarget,
  tick: (spent: number) => void,
): number {
  let spent = 0;
  for (let hi = 0; hi < 2 ** 21; hi++) {
    attempt.writeUInt32BE(hi, 33);
    for (let lo = 0; lo < 2 ** 32; lo++) {
      // Byte stores truncate to 8 bits; this is the hot loop, so no bounds-checked writer.
      attempt[37] = lo >>> 24;
      attempt[38] = lo >>> 16;
      attempt[39] = lo >>> 8;
      attempt[40] = lo;
      spent += 1;
      if (meetsTarget(hash("sha256", attempt, "buffer"), target)) return spent;
      if ((spent & (CLOCK_EVERY - 1)) === 0) tick(spent);
    }
  }
  // Unreachable below MAX_DIFFICULTY: a sub-puzzle then needs about 2^35 hashes, not 2^53.
  throw new ProtocolError("ERR_POW_TOO_HARD", "challenge: nonce space exhausted");
}

function assertSolvable(challenge: HandleChallenge, options: SolvePuzzleOptions): void {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now >= challenge.expiresAt) {
    throw new ProtocolError("ERR_POW_EXPIRED", "challenge: expired before solving");
  }
  const max = options.maxDifficulty ?? DEFAULT_MAX_SOLVER_DIFFICULTY;
  if (challenge.difficulty > max) {
    throw new ProtocolError(
      "ERR_POW_TOO_HARD",
      `challenge.difficulty: expected at most ${max}, got ${challenge.difficulty}`,
    );
  }
}

type Report = (
  phase: SolveProgress["phase"],
  hashes: number,
  solved: number,
  force?: boolean,
) => void;

/** Rate-limits progress callbacks to one per interval and computes the estimate. */
function progressReporter(
  challenge: HandleChallenge,
  started: number,
  options: SolvePuzzleOptions,
): Report {
  const { onProgress } = options;
  const interval = options.progressIntervalMs ?? 250;
  const perSubPuzzle = challenge.difficulty / SUB_PUZZLE_COUNT;
  let last = started;
  return (phase, hashes, solved, force = false) => {
    if (onProgress === undefined) return;
    const now = performance.now();
    if (!force && now - last < interval) return;
    last = now;
    const elapsedMs = now - started;
    const hashesPerSecond = elapsedMs > 0 ? (hashes * 1000) / elapsedMs : 0;
    const remainingHashes = (SUB_PUZZLE_COUNT - solved) * perSubPuzzle;
    onProgress({
      phase,
      hashes,
      expectedHashes: challenge.difficulty,
      subSolutions: solved,
      subPuzzleCount: SUB_PUZZLE_COUNT,
      elapsedMs,
      hashesPerSecond,
      estimatedRemainingMs: hashesPerSecond > 0 ? (remainingHashes * 1000) / hashesPerSecond : 0,
    });
  };
}
