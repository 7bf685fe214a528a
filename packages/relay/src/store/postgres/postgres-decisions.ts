import type pg from "pg";
import type { DecisionRecord, DecisionRepository } from "../relay-store.ts";
import { inTransaction, lockFor, run } from "./pg-pool.ts";

const COLUMNS = `idx AS "index", at, actor, principal, command, decision, reason,
  invocation_hash AS "invocationHash", invocation_jti AS "invocationJti",
  invocation_iat AS "invocationIat", chain, entry`;

/**
 * The append-only decision table in PostgreSQL, indexed densely from 0; indexes are taken under
 * an advisory lock held to commit, like the revocation log's sequence numbers.
 *
 * @example
 * const [index] = await createPostgresDecisions(pool).append([record]);
 */
export function createPostgresDecisions(pool: pg.Pool): DecisionRepository {
  return {
    append: (entries) =>
      inTransaction(pool, async (client) => {
        await lockFor(client, "decisions");
        const { rows } = await run<{ n: number }>(
          client,
          "SELECT coalesce(max(idx) + 1, 0)::int8 AS n FROM decisions",
        );
        const first = rows[0]!.n;
        for (const [i, e] of entries.entries()) {
          await run(
            client,
            `INSERT INTO decisions (idx, at, actor, principal, command, decision, reason,
               invocation_hash, invocation_jti, invocation_iat, chain, entry)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
            [
              first + i,
              e.at,
              e.actor,
              e.principal,
              e.command,
              e.decision,
              e.reason,
              e.invocationHash,
              e.invocationJti,
              e.invocationIat,
              JSON.stringify(e.chain),
              e.entry,
            ],
          );
        }
        return entries.map((_, i) => first + i);
      }),
    get: async (index) => {
      const { rows } = await run<DecisionRecord & { index: number }>(
        pool,
        `SELECT ${COLUMNS} FROM decisions WHERE idx = $1`,
        [index],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      return { ...row, chain: JSON.parse(row.chain as unknown as string) as string[] };
    },
    listInvocationsSince: async (time) =>
      (
        await run<{ actor: string; jti: string; iat: number }>(
          pool,
          "SELECT actor, invocation_jti AS jti, invocation_iat AS iat FROM decisions WHERE at >= $1",
          [time],
        )
      ).rows,
    listHeads: async () =>
      (
        await run<{ actor: string; index: number; entry: string }>(
          pool,
          `SELECT DISTINCT ON (actor) actor, idx AS "index", entry FROM decisions
           ORDER BY actor, idx DESC`,
        )
      ).rows,
    nextIndex: async () =>
      (await run<{ n: number }>(pool, "SELECT coalesce(max(idx) + 1, 0)::int8 AS n FROM decisions"))
        .rows[0]!.n,
  };
}
