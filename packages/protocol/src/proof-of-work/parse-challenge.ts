import { decodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { normalizeHandle } from "../handles/normalize-handle.ts";
import { MAX_DIFFICULTY, MIN_DIFFICULTY, SEED_LENGTH } from "./pow-constants.ts";

/**
 * A handle challenge as the relay issues it and the client echoes it back. Nothing in it is
 * secret; `seed` is what makes it trustworthy (see `verifyChallenge`).
 */
export interface HandleChallenge {
  /** The canonical handle the work is for. */
  handle: string;
  /** did:key of the agent the work is for. */
  agent: string;
  /** Expected number of SHA-256 evaluations to solve, summed over all sub-puzzles. */
  difficulty: number;
  /** Unix seconds; the challenge is valid while `now < expiresAt`. */
  expiresAt: number;
  /** base64url of 16 random bytes then HMAC-SHA-256 over them and the four fields above. */
  seed: string;
}

/** did:key strings are short; the bound keeps hostile input out of the hash functions. */
const MAX_AGENT_LENGTH = 128;
/** 48 bytes are exactly 64 base64url characters. */
const SEED_TEXT_LENGTH = (SEED_LENGTH / 3) * 4;

/**
 * Checks the shape of a challenge received from the network and returns a copy holding only
 * its known fields. Says nothing about authenticity (`verifyChallenge` does). Throws
 * ERR_MALFORMED, ERR_HANDLE_INVALID (handle not in canonical form) or ERR_BASE64URL_INVALID.
 *
 * @example
 * const challenge = parseChallenge(JSON.parse(body).challenge);
 */
export function parseChallenge(value: unknown): HandleChallenge {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw malformed("challenge: expected an object");
  }
  const { handle, agent, difficulty, expiresAt, seed } = value as Record<string, unknown>;

  if (typeof handle !== "string" || normalizeHandle(handle) !== handle) {
    throw new ProtocolError("ERR_HANDLE_INVALID", "challenge.handle: expected a canonical handle");
  }

  if (
    typeof agent !== "string" ||
    agent.length > MAX_AGENT_LENGTH ||
    !agent.startsWith("did:key:")
  ) {
    throw malformed("challenge.agent: expected a did:key");
  }

  assertDifficulty(difficulty, "challenge.difficulty");

  if (!Number.isSafeInteger(expiresAt) || (expiresAt as number) < 0) {
    throw malformed("challenge.expiresAt: expected Unix seconds");
  }

  // Length first, so an oversized seed is refused before any decoding work.
  if (typeof seed !== "string" || seed.length !== SEED_TEXT_LENGTH) {
    throw malformed(`challenge.seed: expected ${SEED_LENGTH} bytes of base64url`);
  }
  decodeBase64url(seed, "challenge.seed");

  return { handle, agent, difficulty: difficulty as number, expiresAt: expiresAt as number, seed };
}

/**
 * Throws ERR_MALFORMED unless `value` is an integer difficulty from MIN_DIFFICULTY (one hash
 * per sub-puzzle) to MAX_DIFFICULTY.
 *
 * @example
 * assertDifficulty(1_900_000, "difficulty");
 */
export function assertDifficulty(value: unknown, field: string): asserts value is number {
  if (!Number.isSafeInteger(value) || (value as number) < MIN_DIFFICULTY) {
    throw malformed(`${field}: expected an integer of at least ${MIN_DIFFICULTY}`);
  }
  if ((value as number) > MAX_DIFFICULTY) {
    throw malformed(`${field}: expected at most 2^40, got ${value}`);
  }
}

function malformed(message: string): ProtocolError {
  return new ProtocolError("ERR_MALFORMED", message);
}
