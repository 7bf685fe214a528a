/**
 * Client assertion `jti`s already accepted (docs/oauth.md 2.1), kept in the store so that single
 * use holds across relay instances sharing it and across restarts. A row lives until the
 * assertion it names has expired; after that, the assertion itself is refused as expired.
 */
export interface AssertionJtiRepository {
  /**
   * Records `key` (the assertion's `iss` and `jti`) until `expiresAt`. Resolves true when it was
   * not recorded yet, or only by a row already expired at `now`; false when it is still in use.
   * Atomic: of two concurrent calls for one key, exactly one resolves true.
   */
  use(key: string, expiresAt: number, now: number): Promise<boolean>;
  /** Deletes rows expired at `now`; resolves how many. */
  purgeExpired(now: number): Promise<number>;
}
