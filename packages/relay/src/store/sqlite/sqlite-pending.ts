import type { Database } from "better-sqlite3";
import type { PendingRecord, PendingRepository } from "../relay-store.ts";

const PENDING_COLUMNS = `hash, actor, principal, command, resource, request, requirements,
  created_at AS createdAt, expires_at AS expiresAt, status, outcome`;

/**
 * Pending authorizations and their approvals in SQLite. An approver counts once per invocation
 * (primary key on hash and approver), however many statements it signs.
 *
 * @example
 * const approvers = await createSqlitePending(db).addApproval(hash, did, approvalHash, now);
 */
export function createSqlitePending(db: Database): PendingRepository {
  const insert = db.prepare(
    `INSERT INTO pending (hash, actor, principal, command, resource, request, requirements,
       created_at, expires_at, status, outcome)
     VALUES (@hash, @actor, @principal, @command, @resource, @request, @requirements,
       @createdAt, @expiresAt, @status, @outcome)
     ON CONFLICT (hash) DO NOTHING`,
  );
  const select = db.prepare(`SELECT ${PENDING_COLUMNS} FROM pending WHERE hash = ?`);
  const insertApproval = db.prepare(
    `INSERT INTO approvals (hash, approver, approval_hash, at) VALUES (?, ?, ?, ?)
     ON CONFLICT (hash, approver) DO NOTHING`,
  );
  const approvers = db.prepare(
    "SELECT approver FROM approvals WHERE hash = ? ORDER BY at, approver",
  );
  const decide = db.prepare(
    "UPDATE pending SET status = ?, outcome = ? WHERE hash = ? AND status = 'pending'",
  );
  const listApprovers = (hash: string): string[] =>
    (approvers.all(hash) as { approver: string }[]).map((row) => row.approver);
  const addApproval = db.transaction(
    (hash: string, approver: string, approvalHash: string, at: number): string[] => {
      insertApproval.run(hash, approver, approvalHash, at);
      return listApprovers(hash);
    },
  );
  return {
    put: async (record) => {
      insert.run(record);
    },
    get: async (hash) => select.get(hash) as PendingRecord | undefined,
    addApproval: async (hash, approver, approvalHash, at) =>
      addApproval.immediate(hash, approver, approvalHash, at),
    listApprovers: async (hash) => listApprovers(hash),
    decide: async (hash, status, outcome) => decide.run(status, outcome, hash).changes === 1,
  };
}
