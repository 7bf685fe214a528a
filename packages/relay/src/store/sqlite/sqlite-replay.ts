import type { Database } from "better-sqlite3";
import { type ReplayRepository, whyNotSpent } from "../replay-repository.ts";

/** Login challenges and claimed invocations, each purged by expiry. */
export const REPLAY_MIGRATION = `
  CREATE TABLE login_challenges (
    nonce TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX login_challenges_by_expiry ON login_challenges (expires_at);
  CREATE TABLE invocation_claims (
    key TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX invocation_claims_by_expiry ON invocation_claims (expires_at);
`;

/**
 * Single-use records in SQLite. Spending a nonce and claiming an invocation are one statement
 * each, which SQLite's single writer makes atomic across processes sharing the file.
 *
 * @example
 * const replay = createSqliteReplay(db);
 * await replay.spendChallenge(nonce, now); // "spent", then "used"
 */
export function createSqliteReplay(db: Database): ReplayRepository {
  const issue = db.prepare("INSERT INTO login_challenges (nonce, expires_at) VALUES (?, ?)");
  const spend = db.prepare(
    `UPDATE login_challenges SET spent_at = ?
     WHERE nonce = ? AND spent_at IS NULL AND expires_at > ?`,
  );
  const read = db.prepare(
    "SELECT expires_at AS expiresAt, spent_at AS spentAt FROM login_challenges WHERE nonce = ?",
  );
  const claim = db.prepare(
    `INSERT INTO invocation_claims (key, expires_at) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
     WHERE invocation_claims.expires_at <= ?`,
  );
  const sweepChallenges = db.prepare("DELETE FROM login_challenges WHERE expires_at < ?");
  const sweepClaims = db.prepare("DELETE FROM invocation_claims WHERE expires_at <= ?");
  return {
    issueChallenge: async (nonce, expiresAt) => {
      issue.run(nonce, expiresAt);
    },
    spendChallenge: async (nonce, now) => {
      if (spend.run(now, nonce, now).changes === 1) return "spent";
      const row = read.get(nonce) as { expiresAt: number; spentAt: number | null } | undefined;
      return whyNotSpent(row);
    },
    claimInvocation: async (key, expiresAt, now) => claim.run(key, expiresAt, now).changes === 1,
    sweep: async (before, now) => {
      sweepChallenges.run(before);
      sweepClaims.run(now);
    },
  };
}
