import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { publicKeyFromDid } from "../did/did-key.ts";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { normalizeHandle } from "../handles/normalize-handle.ts";
import { concatBytes, domainLabel, lengthPrefixed, uint64be } from "../internal/byte-fields.ts";
import { assertDifficulty, type HandleChallenge, parseChallenge } from "./parse-challenge.ts";
import {
  CHALLENGE_DOMAIN,
  MIN_SECRET_LENGTH,
  SEED_LENGTH,
  SEED_NONCE_LENGTH,
} from "./pow-constants.ts";

/** Options of `issueChallenge`. */
export interface IssueChallengeOptions {
  /** The handle asked for, in any spelling `normalizeHandle` accepts. */
  handle: string;
  /** did:key of the agent that will claim it. */
  agent: string;
  /** Expected hashes, usually from `handleDifficulty`. */
  difficulty: number;
  /** Unix seconds after which the challenge and any solution of it are refused. */
  expiresAt: number;
  /** The relay's challenge secret, at least 32 random bytes, never sent anywhere. */
  secret: Uint8Array;
  /** The seed's 16 random bytes; only test vectors pass this. Default: fresh random bytes. */
  nonce?: Uint8Array;
}

/**
 * Issues a stateless challenge: the seed is 16 random bytes followed by HMAC-SHA-256, under the
 * relay secret, of those bytes, the difficulty, the expiry, the handle and the agent, so the
 * relay can later check a challenge it never stored. Does not check the reserved list (call
 * `validateHandle` first). Throws ERR_HANDLE_INVALID, a did:key error, ERR_MALFORMED or
 * ERR_KEY_INVALID (secret too short).
 *
 * @example
 * const challenge = issueChallenge({
 *   handle: "kevin", agent: "did:key:z6Mk...", difficulty: 1_900_000,
 *   expiresAt: now + 900, secret,
 * });
 */
export function issueChallenge(options: IssueChallengeOptions): HandleChallenge {
  const handle = normalizeHandle(options.handle);
  publicKeyFromDid(options.agent);
  assertDifficulty(options.difficulty, "difficulty");
  if (!Number.isSafeInteger(options.expiresAt) || options.expiresAt < 0) {
    throw new ProtocolError("ERR_MALFORMED", "expiresAt: expected Unix seconds");
  }
  assertSecret(options.secret);
  const nonce = options.nonce ?? randomBytes(SEED_NONCE_LENGTH);
  if (nonce.length !== SEED_NONCE_LENGTH) {
    throw new ProtocolError("ERR_MALFORMED", `nonce: expected ${SEED_NONCE_LENGTH} bytes`);
  }

  const fields = { ...options, handle };
  const seed = concatBytes([nonce, challengeMac(options.secret, nonce, fields)]);
  return {
    handle,
    agent: options.agent,
    difficulty: options.difficulty,
    expiresAt: options.expiresAt,
    seed: encodeBase64url(seed),
  };
}

/**
 * Checks that a challenge was issued by the holder of `secret` with exactly these fields and
 * has not expired; returns the parsed challenge. The MAC is checked before the expiry, so an
 * expiry is only reported once it is known to be authentic. Throws a `parseChallenge` error,
 * ERR_POW_INVALID (forged or altered) or ERR_POW_EXPIRED.
 *
 * @example
 * const challenge = verifyChallenge(body.challenge, { secret, now: Math.floor(Date.now() / 1000) });
 */
export function verifyChallenge(
  value: unknown,
  options: { secret: Uint8Array; now?: number },
): HandleChallenge {
  const challenge = parseChallenge(value);
  assertSecret(options.secret);

  const seed = decodeBase64url(challenge.seed, "challenge.seed");
  const nonce = seed.subarray(0, SEED_NONCE_LENGTH);
  const expected = challengeMac(options.secret, nonce, challenge);
  // Constant-time comparison: a timing leak would let a client forge a MAC byte by byte.
  if (!timingSafeEqual(seed.subarray(SEED_NONCE_LENGTH, SEED_LENGTH), expected)) {
    throw new ProtocolError("ERR_POW_INVALID", "challenge.seed: not issued for these fields");
  }

  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now >= challenge.expiresAt) {
    throw new ProtocolError("ERR_POW_EXPIRED", "challenge: expired", {
      details: { expiresAt: challenge.expiresAt, now },
    });
  }

  return challenge;
}

/** MAC input: label, nonce, difficulty, expiry, handle, agent (docs/spec/handles.md). */
function challengeMac(
  secret: Uint8Array,
  nonce: Uint8Array,
  fields: { handle: string; agent: string; difficulty: number; expiresAt: number },
): Uint8Array {
  const message = concatBytes([
    domainLabel(CHALLENGE_DOMAIN),
    nonce,
    uint64be(fields.difficulty),
    uint64be(fields.expiresAt),
    lengthPrefixed(fields.handle),
    lengthPrefixed(fields.agent),
  ]);
  return createHmac("sha256", secret).update(message).digest();
}

function assertSecret(secret: Uint8Array): void {
  if (!(secret instanceof Uint8Array) || secret.length < MIN_SECRET_LENGTH) {
    throw new ProtocolError(
      "ERR_KEY_INVALID",
      `secret: expected at least ${MIN_SECRET_LENGTH} bytes`,
    );
  }
}
