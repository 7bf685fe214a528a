import type pg from "pg";
import { type ReplayRepository, whyNotSpent } from "../replay-repository.ts";
import { inTransaction, run } from "./pg-pool.ts";

/** Login challenges and claimed invocations, each purged by expiry. */
export const POSTGRES_REPLAY_MIGRATION = `
  CREATE TABLE login_challenges (
    nonce TEXT COLLATE "C" PRIMARY KEY,
    expires_at BIGINT NOT NULL,
    spent_at BIGINT
  );
  CREATE INDEX login_challenges_by_expiry ON login_challenges (expires_at);
  CREATE TABLE invocation_claims (
    key TEXT COLLATE "C" PRIMARY KEY,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX invocation_claims_by_expiry ON invocation_claims (expires_at);
`;

/**
 * Single-use records in PostgreSQL, shared by every relay on the database. Spending a nonce is
 * one conditional update and claiming an invocation one insert: the row lock and the primary key
 * make two relays racing on one nonce or one invocation end with exactly one winner.
 *
 * @example
 * const replay = createPostgresReplay(pool);
 * await replay.claimInvocation(`${actor}:${jti}`, now + 120, now); // true, then false
 */
export function createPostgresReplay(pool: pg.Pool): ReplayRepository {
  return {
    issueChallenge: async (nonce, expiresAt) => {
      await run(pool, "INSERT INTO login_challenges (nonce, expires_at) VALUES ($1, $2)", [
        nonce,
        expiresAt,
      ]);
    },
    spendChallenge: async (nonce, now) => {
      const spent = await run(
        pool,
        `UPDATE login_challenges SET spent_at = $1
         WHERE nonce = $2 AND spent_at IS NULL AND expires_at > $1`,
        [now, nonce],
      );
      if (spent.rowCount === 1) return "spent";
      const { rows } = await run<{ expiresAt: string; spentAt: string | null }>(
        pool,
        `SELECT expires_at AS "expiresAt", spent_at AS "spentAt" FROM login_challenges
         WHERE nonce = $1`,
        [nonce],
      );
      return whyNotSpent(rows[0]);
    },
    // The claim commits without waiting for its WAL flush: the decision that follows it is
    // committed synchronously, and a flush covers every earlier WAL record, so the claim of any
    // answered invocation is durable. One lost in a crash belonged to an unanswered one.
    claimInvocation: (key, expiresAt, now) =>
      inTransaction(pool, async (client) => {
        await run(client, "SET LOCAL synchronous_commit = off");
        const result = await run(
          client,
          `INSERT INTO invocation_claims (key, expires_at) VALUES ($1, $2)
           ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
           WHERE invocation_claims.expires_at <= $3`,
          [key, expiresAt, now],
        );
        return result.rowCount === 1;
      }),
    sweep: async (before, now) => {
      await run(pool, "DELETE FROM login_challenges WHERE expires_at < $1", [before]);
      await run(pool, "DELETE FROM invocation_claims WHERE expires_at <= $1", [now]);
    },
  };
}
