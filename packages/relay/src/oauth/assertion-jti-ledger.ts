import type { AssertionJtiRepository } from "../store/assertion-jti-repository.ts";

/** How often, in the relay's seconds, expired `jti` rows are deleted. */
const PURGE_EVERY_SECONDS = 60;

/**
 * Single use of client assertion `jti`s (docs/oauth.md 2.1), recorded in the relay's store so it
 * holds across every relay instance sharing the store and across restarts: an in-memory set
 * would let a second instance, or the same one after a restart, accept a replay. Expired rows
 * are deleted at most once a minute, by whichever request comes first.
 *
 * @example
 * const ledger = new AssertionJtiLedger(context.store.assertionJtis);
 * await ledger.use(`${iss}:${jti}`, exp, now); // true the first time, false after
 */
export class AssertionJtiLedger {
  readonly #repository: AssertionJtiRepository;
  #nextPurge = Number.NEGATIVE_INFINITY;

  constructor(repository: AssertionJtiRepository) {
    this.#repository = repository;
  }

  /** Records `key` until `expiresAt`; resolves false when it is already recorded and live. */
  async use(key: string, expiresAt: number, now: number): Promise<boolean> {
    if (now >= this.#nextPurge) {
      this.#nextPurge = now + PURGE_EVERY_SECONDS;
      await this.#repository.purgeExpired(now);
    }
    return this.#repository.use(key, expiresAt, now);
  }
}
