import type { Database } from "better-sqlite3";
import type { FirstSeenRecord, FirstSeenRepository } from "../first-seen-repository.ts";

/**
 * The first-seen table (docs/spec/revocation.md 3.2): when the relay first saw each delegation,
 * with its issuer, principal, signing key, parent and expiry, looked up by token hash.
 */
export const FIRST_SEEN_MIGRATION = `
  CREATE TABLE first_seen (
    hash TEXT PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    kid TEXT NOT NULL,
    parent TEXT,
    expires_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX first_seen_by_expiry ON first_seen (expires_at);
`;

const COLUMNS = "hash, issuer, subject, kid, parent, expires_at AS expiresAt, seen_at AS seenAt";

/**
 * First sightings in SQLite. A batch is one transaction; an existing row is never overwritten,
 * so the earliest sighting wins even when two batches race.
 *
 * @example
 * await createSqliteFirstSeen(db).record([{ hash, issuer, subject, kid, parent, expiresAt, seenAt }]);
 */
export function createSqliteFirstSeen(db: Database): FirstSeenRepository {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO first_seen (hash, issuer, subject, kid, parent, expires_at, seen_at)
     VALUES (@hash, @issuer, @subject, @kid, @parent, @expiresAt, @seenAt)`,
  );
  const byHash = db.prepare(`SELECT ${COLUMNS} FROM first_seen WHERE hash = ?`);
  const live = db.prepare(
    `SELECT ${COLUMNS} FROM first_seen WHERE expires_at > ? AND hash > ? ORDER BY hash LIMIT ?`,
  );
  const purge = db.prepare("DELETE FROM first_seen WHERE expires_at <= ?");
  const recordAll = db.transaction((records: readonly FirstSeenRecord[]) => {
    for (const record of records) insert.run(record);
  });
  return {
    record: async (records) => {
      recordAll.immediate(records);
    },
    get: async (hash) => byHash.get(hash) as FirstSeenRecord | undefined,
    listLive: async (now, after, limit) => live.all(now, after, limit) as FirstSeenRecord[],
    purgeExpired: async (now) => purge.run(now).changes,
  };
}
