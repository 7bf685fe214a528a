import { createHash, hash, scrypt, scryptSync } from "node:crypto";
import { decodeBase64url } from "../encoding/base64url.ts";
import { concatBytes, domainLabel, lengthPrefixed } from "../internal/byte-fields.ts";
import type { HandleChallenge } from "./parse-challenge.ts";
import {
  MEMORY_HARD_BELOW_LENGTH,
  MEMORY_STEP_SCRYPT,
  NONCE_LENGTH,
  POW_DOMAIN,
  SUB_PUZZLE_COUNT,
} from "./pow-constants.ts";

/**
 * A sub-puzzle passes when the first 8 bytes of its hash, read as a big-endian integer, are
 * below the target. `hi` may be 2^32 (target 2^64: every hash passes at MIN_DIFFICULTY).
 */
export interface PuzzleTarget {
  hi: number;
  lo: number;
}

/** Length of one sub-puzzle hash input: context (32), index (1), nonce (8). One SHA-256 block. */
export const ATTEMPT_LENGTH = 32 + 1 + NONCE_LENGTH;

/**
 * The 32-byte context every sub-puzzle hashes: SHA-256 of the domain label, the seed bytes, the
 * handle and the agent, so work done for one challenge, handle or agent is worth nothing for
 * another.
 *
 * @example
 * const context = puzzleContext(challenge); // 32 bytes
 */
export function puzzleContext(challenge: HandleChallenge): Buffer {
  const seed = decodeBase64url(challenge.seed, "challenge.seed");
  const input = concatBytes([
    domainLabel(POW_DOMAIN),
    seed,
    lengthPrefixed(challenge.handle),
    lengthPrefixed(challenge.agent),
  ]);
  return createHash("sha256").update(input).digest();
}

/**
 * The per-sub-puzzle target: floor(2^64 * SUB_PUZZLE_COUNT / difficulty), so each sub-puzzle
 * takes difficulty / SUB_PUZZLE_COUNT hashes on average and the whole puzzle `difficulty`.
 *
 * @example
 * puzzleTarget(64); // { hi: 2 ** 31, lo: 0 }: half of all hashes pass
 */
export function puzzleTarget(difficulty: number): PuzzleTarget {
  const target = (2n ** 64n * BigInt(SUB_PUZZLE_COUNT)) / BigInt(difficulty);
  return { hi: Number(target >> 32n), lo: Number(target & 0xffffffffn) };
}

/**
 * True when the 8 leading bytes of `digest`, big-endian, are below `target`.
 *
 * @example
 * meetsTarget(digest, puzzleTarget(challenge.difficulty));
 */
export function meetsTarget(digest: Uint8Array, target: PuzzleTarget): boolean {
  const hi = ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
  if (hi !== target.hi) return hi < target.hi;
  const lo = ((digest[4]! << 24) | (digest[5]! << 16) | (digest[6]! << 8) | digest[7]!) >>> 0;
  return lo < target.lo;
}

/**
 * The hash test alone: true when every sub-puzzle k hashes context || k || nonce_k below the
 * target. Costs SUB_PUZZLE_COUNT + 1 SHA-256 evaluations and never throws on a well-formed
 * challenge; `nonces` must be SUB_PUZZLE_COUNT * 8 bytes or the answer is false. Does not
 * check the seed's MAC, the expiry or the memory-hard step (`verifySolution` does all).
 *
 * @example
 * checkPuzzleSolution(challenge, decodeBase64url(solution.nonces)); // true or false
 */
export function checkPuzzleSolution(challenge: HandleChallenge, nonces: Uint8Array): boolean {
  if (nonces.length !== SUB_PUZZLE_COUNT * NONCE_LENGTH) return false;
  const target = puzzleTarget(challenge.difficulty);
  const attempt = Buffer.alloc(ATTEMPT_LENGTH);
  puzzleContext(challenge).copy(attempt, 0);

  for (let k = 0; k < SUB_PUZZLE_COUNT; k++) {
    attempt[32] = k;
    attempt.set(nonces.subarray(k * NONCE_LENGTH, (k + 1) * NONCE_LENGTH), 33);
    if (!meetsTarget(hash("sha256", attempt, "buffer"), target)) return false;
  }
  return true;
}

/**
 * True when the handle is short enough to need the memory-hard step.
 *
 * @example
 * needsMemoryStep("bob"); // true
 */
export function needsMemoryStep(handle: string): boolean {
  return handle.length < MEMORY_HARD_BELOW_LENGTH;
}

/**
 * The memory-hard step (RFC 7914 scrypt): password the sub-puzzle nonces, salt the puzzle
 * context, parameters MEMORY_STEP_SCRYPT. Runs on the libuv thread pool, so a relay checking
 * it keeps serving other requests.
 *
 * @example
 * const memo = await computeMemo(challenge, nonces); // 32 bytes
 */
export function computeMemo(challenge: HandleChallenge, nonces: Uint8Array): Promise<Buffer> {
  const { N, r, p, dkLen } = MEMORY_STEP_SCRYPT;
  return new Promise((resolve, reject) => {
    scrypt(nonces, puzzleContext(challenge), dkLen, scryptOptions(N, r, p), (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * The memory-hard step, synchronously, for solvers that already run off the main thread.
 *
 * @example
 * const memo = computeMemoSync(challenge, nonces); // 32 bytes
 */
export function computeMemoSync(challenge: HandleChallenge, nonces: Uint8Array): Buffer {
  const { N, r, p, dkLen } = MEMORY_STEP_SCRYPT;
  return scryptSync(nonces, puzzleContext(challenge), dkLen, scryptOptions(N, r, p));
}

/** Node's default scrypt memory cap is 32 MiB; state the need plus headroom explicitly. */
function scryptOptions(N: number, r: number, p: number) {
  return { N, r, p, maxmem: 2 * 128 * N * r * p };
}
