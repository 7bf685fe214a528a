import { normalizeHandle } from "../handles/normalize-handle.ts";
import { assertDifficulty } from "./parse-challenge.ts";
import { DEFAULT_BASE_DIFFICULTY, MAX_DIFFICULTY, MIN_DIFFICULTY } from "./pow-constants.ts";
import { needsMemoryStep } from "./puzzle.ts";

/** Options of `handleDifficulty`; every number has a documented default. */
export interface HandleDifficultyOptions {
  /** The handle asked for. */
  handle: string;
  /** Registrations the relay accepted in its recent window (for example the last hour). */
  recentRegistrations?: number;
  /** Registrations per window considered normal; the rate factor is 1 up to it. Default 60. */
  baselineRegistrations?: number;
  /** Expected hashes for a long handle in a quiet period. Default DEFAULT_BASE_DIFFICULTY. */
  baseDifficulty?: number;
  /** Ceiling of the rate factor. Default 64. */
  maxRateFactor?: number;
}

/** The difficulty a relay publishes in its challenge, with the factors that produced it. */
export interface HandleDifficulty {
  /** Expected number of SHA-256 evaluations. */
  difficulty: number;
  /** 2^(7 - length) for handles under 7 characters, else 1. */
  lengthFactor: number;
  /** recent / baseline registrations, clamped to 1..maxRateFactor. */
  rateFactor: number;
  /** True when the handle also needs the memory-hard step. */
  memoryHard: boolean;
}

/**
 * Difficulty policy: base * lengthFactor * rateFactor, clamped to the protocol's range. Short
 * names are scarce, so each character under 7 doubles the work (a 3-character handle costs
 * 16 times a long one, and under 6 adds scrypt); a burst of registrations above the baseline
 * raises the price for everyone in proportion, which is what makes bulk squatting expensive.
 * Throws ERR_HANDLE_INVALID or ERR_MALFORMED (base out of range).
 *
 * @example
 * handleDifficulty({ handle: "kevin", recentRegistrations: 10 });
 * // { difficulty: 7_600_000, lengthFactor: 4, rateFactor: 1, memoryHard: true }
 */
export function handleDifficulty(options: HandleDifficultyOptions): HandleDifficulty {
  const handle = normalizeHandle(options.handle);
  const base = options.baseDifficulty ?? DEFAULT_BASE_DIFFICULTY;
  assertDifficulty(base, "baseDifficulty");

  const lengthFactor = 2 ** Math.max(0, 7 - handle.length);

  const recent = finiteOr(options.recentRegistrations, 0);
  const baseline = Math.max(1, finiteOr(options.baselineRegistrations, 60));
  const maxRateFactor = Math.max(1, finiteOr(options.maxRateFactor, 64));
  const rateFactor = Math.min(Math.max(1, recent / baseline), maxRateFactor);

  const raw = Math.round(base * lengthFactor * rateFactor);
  const difficulty = Math.min(MAX_DIFFICULTY, Math.max(MIN_DIFFICULTY, raw));
  return { difficulty, lengthFactor, rateFactor, memoryHard: needsMemoryStep(handle) };
}

/** A count from a metrics store may be missing or NaN; treat that as the default, not as 0 work. */
function finiteOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
