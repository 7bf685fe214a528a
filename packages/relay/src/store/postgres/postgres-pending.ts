import type pg from "pg";
import type { PendingRecord, PendingRepository } from "../relay-store.ts";
import { inTransaction, run } from "./pg-pool.ts";

const COLUMNS = `hash, actor, principal, command, resource, request, requirements,
  created_at AS "createdAt", expires_at AS "expiresAt", status, outcome`;

/**
 * Pending authorizations and their approvals in PostgreSQL. An approver counts once per
 * invocation (primary key on hash and approver), whichever relay receives its statements.
 *
 * @example
 * const approvers = await createPostgresPending(pool).addApproval(hash, did, approvalHash, now);
 */
export function createPostgresPending(pool: pg.Pool): PendingRepository {
  const listApprovers = async (db: pg.Pool | pg.PoolClient, hash: string) =>
    (
      await run<{ approver: string }>(
        db,
        "SELECT approver FROM approvals WHERE hash = $1 ORDER BY at, approver",
        [hash],
      )
    ).rows.map((row) => row.approver);
  return {
    put: async (r) => {
      await run(
        pool,
        `INSERT INTO pending (hash, actor, principal, command, resource, request, requirements,
           created_at, expires_at, status, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (hash) DO NOTHING`,
        [
          r.hash,
          r.actor,
          r.principal,
          r.command,
          r.resource,
          r.request,
          r.requirements,
          r.createdAt,
          r.expiresAt,
          r.status,
          r.outcome,
        ],
      );
    },
    get: async (hash) =>
      (await run<PendingRecord>(pool, `SELECT ${COLUMNS} FROM pending WHERE hash = $1`, [hash]))
        .rows[0],
    addApproval: (hash, approver, approvalHash, at) =>
      inTransaction(pool, async (client) => {
        await run(
          client,
          `INSERT INTO approvals (hash, approver, approval_hash, at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (hash, approver) DO NOTHING`,
          [hash, approver, approvalHash, at],
        );
        return listApprovers(client, hash);
      }),
    listApprovers: (hash) => listApprovers(pool, hash),
    decide: async (hash, status, outcome) =>
      (
        await run(
          pool,
          "UPDATE pending SET status = $1, outcome = $2 WHERE hash = $3 AND status = 'pending'",
          [status, outcome, hash],
        )
      ).rowCount === 1,
  };
}
