import type { Database } from "better-sqlite3";
import type { AssertionJtiRepository } from "../assertion-jti-repository.ts";

/** The table of accepted client assertion `jti`s, purged by expiry. */
export const ASSERTION_JTIS_MIGRATION = `
  CREATE TABLE assertion_jtis (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX assertion_jtis_by_expiry ON assertion_jtis (expires_at);
`;

/**
 * Accepted assertion `jti`s in SQLite. One statement decides: the insert succeeds, or replaces a
 * row that has expired, or changes nothing; SQLite's single writer makes it atomic across
 * processes sharing the file.
 *
 * @example
 * await createSqliteAssertionJtis(db).use(`${iss}:${jti}`, exp, now); // true, then false
 */
export function createSqliteAssertionJtis(db: Database): AssertionJtiRepository {
  const use = db.prepare(
    `INSERT INTO assertion_jtis (key, expires_at) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
     WHERE assertion_jtis.expires_at <= ?`,
  );
  const purge = db.prepare("DELETE FROM assertion_jtis WHERE expires_at <= ?");
  return {
    use: async (key, expiresAt, now) => use.run(key, expiresAt, now).changes === 1,
    purgeExpired: async (now) => purge.run(now).changes,
  };
}
