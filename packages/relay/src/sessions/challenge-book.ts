import { randomBytes } from "node:crypto";
import { RelayError } from "../errors/relay-error.ts";
import type { ReplayRepository } from "../store/replay-repository.ts";

/** How long a challenge nonce stays valid (DESIGN.md section 4: a minute). */
export const CHALLENGE_TTL_SECONDS = 60;
/** Outstanding challenges one relay instance issues at most; beyond it new ones are refused. */
export const MAX_OUTSTANDING_CHALLENGES = 100_000;

/**
 * Single-use login nonces, kept in the store so that a nonce issued by one relay instance can be
 * spent on any instance sharing the store, once (docs/spec/sessions.md 5.2). A spent or expired
 * nonce stays in the store until a minute after its expiry, so a replay gets its own code
 * (ERR_CHALLENGE_USED, ERR_CHALLENGE_EXPIRED) rather than ERR_CHALLENGE_UNKNOWN.
 *
 * @example
 * const book = new ChallengeBook(store.replay);
 * const { nonce } = await book.issue(now);
 * await book.consume(nonce, now); // rejects on a second call, on any instance
 */
export class ChallengeBook {
  readonly #store: ReplayRepository;
  // Expiry times of the challenges this instance issued, oldest first: bounds what it writes.
  readonly #outstanding: number[] = [];
  #head = 0;
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(store: ReplayRepository) {
    this.#store = store;
  }

  /** Issues a fresh 256-bit nonce. Throws ERR_RATE_LIMITED when too many are outstanding. */
  async issue(now: number): Promise<{ nonce: string; expiresAt: number }> {
    await this.sweep(now);
    if (this.#outstanding.length - this.#head >= MAX_OUTSTANDING_CHALLENGES) {
      throw new RelayError("ERR_RATE_LIMITED", "challenge: too many outstanding; retry shortly");
    }
    const nonce = randomBytes(32).toString("base64url");
    const expiresAt = now + CHALLENGE_TTL_SECONDS;
    await this.#store.issueChallenge(nonce, expiresAt);
    this.#outstanding.push(expiresAt);
    return { nonce, expiresAt };
  }

  /**
   * Spends a nonce in the store. Throws ERR_CHALLENGE_UNKNOWN, ERR_CHALLENGE_USED or
   * ERR_CHALLENGE_EXPIRED.
   */
  async consume(nonce: string, now: number): Promise<void> {
    const outcome = await this.#store.spendChallenge(nonce, now);
    if (outcome === "unknown") {
      throw new RelayError("ERR_CHALLENGE_UNKNOWN", "nonce: not issued by this relay");
    }
    if (outcome === "used") throw new RelayError("ERR_CHALLENGE_USED", "nonce: already used");
    if (outcome === "expired") throw new RelayError("ERR_CHALLENGE_EXPIRED", "nonce: expired");
  }

  /**
   * Forgets this instance's expired challenges and, at most once a TTL, deletes from the store
   * the challenges a TTL past their expiry (so a late replay still gets its own code) and the
   * expired invocation claims. Runs on each issue and on the relay's sweep timer.
   */
  async sweep(now: number): Promise<void> {
    // Expiry is issue time plus a constant, so the queue is in expiry order.
    while (this.#head < this.#outstanding.length && this.#outstanding[this.#head]! <= now) {
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#outstanding.length) {
      this.#outstanding.splice(0, this.#head);
      this.#head = 0;
    }
    if (now - this.#sweptAt < CHALLENGE_TTL_SECONDS) return;
    this.#sweptAt = now;
    await this.#store.sweep(now - CHALLENGE_TTL_SECONDS, now);
  }
}
