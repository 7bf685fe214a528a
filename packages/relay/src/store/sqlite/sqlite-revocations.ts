import type { Database } from "better-sqlite3";
import type { RevocationRecord, RevocationRepository } from "../relay-store.ts";

/**
 * The revocation log in SQLite. The sequence number is the row id, assigned inside the insert,
 * so it is dense and follows commit order on a single writer.
 *
 * @example
 * const { seq } = await createSqliteRevocations(db).append(entry);
 */
export function createSqliteRevocations(db: Database): RevocationRepository {
  const insert = db.prepare(
    `INSERT INTO revocations (kind, target, reason, revoker, at)
     VALUES (@kind, @target, @reason, @revoker, @at)`,
  );
  const since = db.prepare(
    "SELECT seq, kind, target, reason, revoker, at FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?",
  );
  return {
    append: async (entry) => {
      const { lastInsertRowid } = insert.run(entry);
      return { seq: Number(lastInsertRowid), ...entry };
    },
    listSince: async (after, limit) => since.all(after, limit) as RevocationRecord[],
  };
}
