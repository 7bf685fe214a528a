import type { Database } from "better-sqlite3";
import type { RevocationAppend, RevocationRecord, RevocationRepository } from "../relay-store.ts";

/**
 * Extends the revocation log for docs/spec/revocation.md: the compromise time of a key, the epoch
 * of an issuer, and the revoker's signed request, kept beside each entry; an index by target so
 * the relay can tell whether a target is already revoked without scanning.
 */
export const REVOCATION_LOG_MIGRATION = `
  ALTER TABLE revocations ADD COLUMN compromised_since INTEGER;
  ALTER TABLE revocations ADD COLUMN epoch INTEGER;
  ALTER TABLE revocations ADD COLUMN request TEXT;
  CREATE INDEX revocations_by_target ON revocations (kind, target);
`;

const COLUMNS = `seq, kind, target, reason, revoker, at,
  compromised_since AS compromisedSince, epoch, request`;

/**
 * The revocation log in SQLite. The sequence number is the row id, assigned inside the insert,
 * so it is dense and follows commit order on a single writer. Each append is its own
 * transaction, and the database runs with `synchronous=FULL`, so an entry is on disk before
 * `append` resolves: the relay answers a revocation only after that.
 *
 * @example
 * const { seq } = await createSqliteRevocations(db).append(entry);
 */
export function createSqliteRevocations(db: Database): RevocationRepository {
  const insert = db.prepare(
    `INSERT INTO revocations (kind, target, reason, revoker, at, compromised_since, epoch, request)
     VALUES (@kind, @target, @reason, @revoker, @at, @compromisedSince, @epoch, @request)`,
  );
  const since = db.prepare(`SELECT ${COLUMNS} FROM revocations WHERE seq > ? ORDER BY seq LIMIT ?`);
  const head = db.prepare("SELECT coalesce(max(seq), 0) AS seq FROM revocations");
  return {
    append: async (entry) => {
      const row = withDefaults(entry);
      const { lastInsertRowid } = insert.run(row);
      return { seq: Number(lastInsertRowid), ...row };
    },
    listSince: async (after, limit) => since.all(after, limit) as RevocationRecord[],
    head: async () => (head.get() as { seq: number }).seq,
  };
}

function withDefaults(entry: RevocationAppend): Omit<RevocationRecord, "seq"> {
  return {
    kind: entry.kind,
    target: entry.target,
    reason: entry.reason,
    revoker: entry.revoker,
    at: entry.at,
    compromisedSince: entry.compromisedSince ?? null,
    epoch: entry.epoch ?? null,
    request: entry.request ?? null,
  };
}
