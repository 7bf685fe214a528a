import type { Database } from "better-sqlite3";
import type { DecisionRecord, DecisionRepository } from "../relay-store.ts";

const DECISION_COLUMNS = `idx AS "index", at, actor, principal, command, decision, reason,
  invocation_hash AS invocationHash, invocation_jti AS invocationJti,
  invocation_iat AS invocationIat, chain, entry`;

/**
 * The append-only decision table in SQLite. Indexes are dense from 0 (the row id minus one), so
 * they line up with the Merkle log's leaf indexes that later replace them.
 *
 * @example
 * const [index] = await createSqliteDecisions(db).append([record]);
 */
export function createSqliteDecisions(db: Database): DecisionRepository {
  const insert = db.prepare(
    `INSERT INTO decisions (at, actor, principal, command, decision, reason, invocation_hash,
       invocation_jti, invocation_iat, chain, entry)
     VALUES (@at, @actor, @principal, @command, @decision, @reason, @invocationHash,
       @invocationJti, @invocationIat, @chain, @entry)`,
  );
  const select = db.prepare(`SELECT ${DECISION_COLUMNS} FROM decisions WHERE idx = ?`);
  const recent = db.prepare(
    "SELECT actor, invocation_jti AS jti, invocation_iat AS iat FROM decisions WHERE at >= ?",
  );
  const heads = db.prepare(
    `SELECT d.actor AS actor, d.idx - 1 AS "index", d.entry AS entry FROM decisions d
     JOIN (SELECT actor, MAX(idx) AS idx FROM decisions GROUP BY actor) h
       ON h.actor = d.actor AND h.idx = d.idx`,
  );
  const count = db.prepare("SELECT COALESCE(MAX(idx), 0) AS n FROM decisions");
  const appendAll = db.transaction((entries: DecisionRecord[]): number[] =>
    entries.map(
      (entry) =>
        Number(insert.run({ ...entry, chain: JSON.stringify(entry.chain) }).lastInsertRowid) - 1,
    ),
  );
  return {
    append: async (entries) => appendAll.immediate(entries),
    get: async (index) => {
      const row = select.get(index + 1) as (DecisionRecord & { index: number }) | undefined;
      if (row === undefined) return undefined;
      return { ...row, index, chain: JSON.parse(row.chain as unknown as string) as string[] };
    },
    listInvocationsSince: async (time) =>
      recent.all(time) as { actor: string; jti: string; iat: number }[],
    listHeads: async () => heads.all() as { actor: string; index: number; entry: string }[],
    nextIndex: async () => (count.get() as { n: number }).n,
  };
}
