/** When the relay first saw one delegation, and what it needs to judge revocations of it. */
export interface FirstSeenRecord {
  /** Token hash (SHA-256 of the exact compact token, base64url). */
  hash: string;
  /** `iss` of the token. */
  issuer: string;
  /** `sub` of the token: the principal. */
  subject: string;
  /** Thumbprint of the key that signed it. */
  kid: string;
  /** Token hash of its parent (`prf`), null for a root. */
  parent: string | null;
  /** `exp` of the token: after this the row is of no use and is purged. */
  expiresAt: number;
  /** When the relay first saw it (Unix seconds). */
  seenAt: number;
}

/**
 * The first-seen table (docs/spec/revocation.md 3.2). Written in batches, read by hash; a row is
 * never overwritten, so the first sighting stands.
 */
export interface FirstSeenRepository {
  /** Records sightings in one transaction, keeping any earlier row for the same hash. */
  record(records: readonly FirstSeenRecord[]): Promise<void>;
  get(hash: string): Promise<FirstSeenRecord | undefined>;
  /** Rows not yet expired at `now`, by hash after `after`, for loading at start. */
  listLive(now: number, after: string, limit: number): Promise<FirstSeenRecord[]>;
  /** Deletes expired rows; resolves how many. */
  purgeExpired(now: number): Promise<number>;
}
