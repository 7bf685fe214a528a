import { randomBytes } from "node:crypto";
import { RelayError } from "../errors/relay-error.ts";

/** How long a challenge nonce stays valid (DESIGN.md section 4: a minute). */
export const CHALLENGE_TTL_SECONDS = 60;
/** Outstanding challenges kept at most; beyond it new ones are refused, bounding memory. */
export const MAX_OUTSTANDING_CHALLENGES = 100_000;

interface Challenge {
  expiresAt: number;
  used: boolean;
}

/**
 * Single-use login nonces, in memory. A spent or expired nonce is remembered until a minute
 * after its expiry so a replay gets its own code (ERR_CHALLENGE_USED, ERR_CHALLENGE_EXPIRED)
 * rather than ERR_CHALLENGE_UNKNOWN.
 *
 * @example
 * const book = new ChallengeBook();
 * const { nonce } = book.issue(now);
 * book.consume(nonce, now); // throws on a second call
 */
export class ChallengeBook {
  readonly #challenges = new Map<string, Challenge>();

  /** Issues a fresh 256-bit nonce. Throws ERR_RATE_LIMITED when too many are outstanding. */
  issue(now: number): { nonce: string; expiresAt: number } {
    this.#sweep(now);
    if (this.#challenges.size >= MAX_OUTSTANDING_CHALLENGES) {
      throw new RelayError("ERR_RATE_LIMITED", "challenge: too many outstanding; retry shortly");
    }
    const nonce = randomBytes(32).toString("base64url");
    const expiresAt = now + CHALLENGE_TTL_SECONDS;
    this.#challenges.set(nonce, { expiresAt, used: false });
    return { nonce, expiresAt };
  }

  /**
   * Spends a nonce. Throws ERR_CHALLENGE_UNKNOWN, ERR_CHALLENGE_USED or ERR_CHALLENGE_EXPIRED.
   */
  consume(nonce: string, now: number): void {
    const challenge = this.#challenges.get(nonce);
    if (challenge === undefined) {
      throw new RelayError("ERR_CHALLENGE_UNKNOWN", "nonce: not issued by this relay");
    }
    if (challenge.used) throw new RelayError("ERR_CHALLENGE_USED", "nonce: already used");
    if (now >= challenge.expiresAt) throw new RelayError("ERR_CHALLENGE_EXPIRED", "nonce: expired");
    challenge.used = true;
  }

  // Map order is issue order, and expiry is issue time plus a constant, so the oldest come first.
  #sweep(now: number): void {
    for (const [nonce, challenge] of this.#challenges) {
      if (challenge.expiresAt + CHALLENGE_TTL_SECONDS > now) break;
      this.#challenges.delete(nonce);
    }
  }
}
