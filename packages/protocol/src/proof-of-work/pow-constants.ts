/**
 * Parameters of the handle proof of work, version 1 (docs/spec/handles.md). Changing any of
 * them changes the wire format; a new version gets new labels.
 */

/** Domain label of the puzzle context hash (spec section "Puzzle"). */
export const POW_DOMAIN = "ants-handle-pow-v1";
/** Domain label of the challenge MAC (spec section "Challenge"). */
export const CHALLENGE_DOMAIN = "ants-handle-challenge-v1";

/**
 * Independent sub-puzzles per solution. The solve time is a sum of this many exponential
 * waits, a Gamma(32) distribution whose p95 is about 1.32 times its median (16 gives about
 * 1.47), so claim times are predictable while verification stays at 33 hashes.
 */
export const SUB_PUZZLE_COUNT = 32;
/** Bytes per sub-puzzle nonce (a big-endian counter). */
export const NONCE_LENGTH = 8;
/** Random bytes at the start of every seed, so no two challenges share one. */
export const SEED_NONCE_LENGTH = 16;
/** HMAC-SHA-256 output length. */
export const SEED_MAC_LENGTH = 32;
/** A seed is its nonce then its MAC. */
export const SEED_LENGTH = SEED_NONCE_LENGTH + SEED_MAC_LENGTH;
/** Relay secrets shorter than this are refused: the MAC is only as strong as its key. */
export const MIN_SECRET_LENGTH = 32;

/** Lowest difficulty: one expected hash per sub-puzzle. */
export const MIN_DIFFICULTY = SUB_PUZZLE_COUNT;
/** Highest difficulty a challenge may state (weeks of one core), so targets stay meaningful. */
export const MAX_DIFFICULTY = 2 ** 40;
/**
 * Default ceiling a solver accepts before starting, about half an hour of one core at the
 * measured rate, so a hostile or misconfigured relay cannot make a client spin for days.
 */
export const DEFAULT_MAX_SOLVER_DIFFICULTY = 2 ** 30;

/**
 * Default base difficulty in expected hashes: about three seconds of `solvePuzzle` on one core
 * of the reference machine (AMD EPYC, Node 20, about 620,000 hashes per second; measured by
 * bench/handle-pow.ts). Short handles and busy periods multiply it (`handleDifficulty`).
 */
export const DEFAULT_BASE_DIFFICULTY = 1_900_000;

/** Handles shorter than this add the memory-hard step. */
export const MEMORY_HARD_BELOW_LENGTH = 6;
/**
 * scrypt parameters of the memory-hard step (RFC 7914): N = 2^14, r = 8, p = 1 needs
 * 128 * N * r = 16 MiB, the same cost as one interactive login key derivation.
 */
export const MEMORY_STEP_SCRYPT = { N: 2 ** 14, r: 8, p: 1, dkLen: 32 } as const;

/** Suggested challenge lifetime: long enough for a slow solve, short enough to limit hoarding. */
export const DEFAULT_CHALLENGE_LIFETIME_SECONDS = 900;
