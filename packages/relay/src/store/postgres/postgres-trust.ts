import type pg from "pg";
import type {
  AgentTrustRecord,
  OutcomeRecord,
  TrustRepository,
  VouchRecord,
} from "../trust-repository.ts";
import { inTransaction, lockFor, run } from "./pg-pool.ts";

/** The trust tables (docs/spec/trust.md 7), as in sqlite-trust.ts; flags are booleans here. */
export const POSTGRES_TRUST_MIGRATION = `
  CREATE TABLE trust_vouches (
    hash TEXT PRIMARY KEY,
    voucher TEXT NOT NULL,
    vouchee TEXT NOT NULL,
    level BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    statement TEXT NOT NULL
  );
  CREATE INDEX trust_vouches_by_expiry ON trust_vouches (expires_at);

  CREATE TABLE trust_outcomes (
    hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    reporter TEXT NOT NULL,
    invocation TEXT NOT NULL,
    success BOOLEAN NOT NULL,
    weight DOUBLE PRECISION NOT NULL,
    at BIGINT NOT NULL,
    statement TEXT NOT NULL,
    UNIQUE (reporter, invocation)
  );
  CREATE INDEX trust_outcomes_by_time ON trust_outcomes (at);

  CREATE TABLE trust_heartbeats (agent TEXT NOT NULL, slot BIGINT NOT NULL, PRIMARY KEY (agent, slot));
  CREATE INDEX trust_heartbeats_by_slot ON trust_heartbeats (slot);

  CREATE TABLE trust_stakes (agent TEXT PRIMARY KEY, amount BIGINT NOT NULL, updated_at BIGINT NOT NULL);

  CREATE TABLE trust_stake_events (
    seq BIGSERIAL PRIMARY KEY,
    agent TEXT NOT NULL,
    action TEXT NOT NULL,
    amount BIGINT NOT NULL,
    operator TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL
  );

  CREATE TABLE trust_agents (
    agent TEXT PRIMARY KEY,
    level BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    hold_reason TEXT,
    hold_until BIGINT,
    login_demanded_at BIGINT,
    blocked BOOLEAN NOT NULL,
    penalty_until BIGINT
  );
`;

const VOUCH_COLUMNS = `hash, voucher, vouchee, level, issued_at AS "issuedAt",
  expires_at AS "expiresAt", received_at AS "receivedAt", statement`;
const AGENT_COLUMNS = `agent, level, changed_at AS "changedAt", hold_reason AS "holdReason",
  hold_until AS "holdUntil", login_demanded_at AS "loginDemandedAt", blocked,
  penalty_until AS "penaltyUntil"`;

/**
 * The trust repository in PostgreSQL; a stake change is one transaction under a lock on the
 * agent's stake, so two relays slashing at once both count.
 *
 * @example
 * await createPostgresTrust(pool).putVouch(record);
 */
export function createPostgresTrust(pool: pg.Pool): TrustRepository {
  return {
    putVouch: async (v: VouchRecord) =>
      (
        await run(
          pool,
          `INSERT INTO trust_vouches (hash, voucher, vouchee, level, issued_at, expires_at,
             received_at, statement) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT DO NOTHING`,
          [
            v.hash,
            v.voucher,
            v.vouchee,
            v.level,
            v.issuedAt,
            v.expiresAt,
            v.receivedAt,
            v.statement,
          ],
        )
      ).rowCount === 1,
    listVouches: async (now) =>
      (
        await run<VouchRecord>(
          pool,
          `SELECT ${VOUCH_COLUMNS} FROM trust_vouches WHERE expires_at > $1`,
          [now],
        )
      ).rows,
    putOutcome: async (o: OutcomeRecord) =>
      (
        await run(
          pool,
          `INSERT INTO trust_outcomes (hash, subject, reporter, invocation, success, weight, at,
             statement) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
          [o.hash, o.subject, o.reporter, o.invocation, o.success, o.weight, o.at, o.statement],
        )
      ).rowCount === 1,
    listOutcomes: async (since) =>
      (
        await run<OutcomeRecord>(
          pool,
          `SELECT hash, subject, reporter, invocation, success, weight, at, statement
           FROM trust_outcomes WHERE at >= $1`,
          [since],
        )
      ).rows,
    putHeartbeatSlot: async (agent, slot) => {
      await run(
        pool,
        "INSERT INTO trust_heartbeats (agent, slot) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        [agent, slot],
      );
    },
    listHeartbeatSlots: async (sinceSlot) =>
      (
        await run<{ agent: string; slot: number }>(
          pool,
          "SELECT agent, slot FROM trust_heartbeats WHERE slot >= $1",
          [sinceSlot],
        )
      ).rows,
    changeStake: (event) =>
      inTransaction(pool, async (client) => {
        await lockFor(client, `stake:${event.agent}`);
        const held = await run<{ amount: number }>(
          client,
          "SELECT amount FROM trust_stakes WHERE agent = $1",
          [event.agent],
        );
        const before = held.rows[0]?.amount ?? 0;
        const amount = event.action === "set" ? event.amount : Math.max(0, before - event.amount);
        await run(
          client,
          `INSERT INTO trust_stakes (agent, amount, updated_at) VALUES ($1, $2, $3)
           ON CONFLICT (agent) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at`,
          [event.agent, amount, event.at],
        );
        await run(
          client,
          `INSERT INTO trust_stake_events (agent, action, amount, operator, reason, at)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [event.agent, event.action, event.amount, event.operator, event.reason, event.at],
        );
        return amount;
      }),
    listStakes: async () =>
      (await run<{ agent: string; amount: number }>(pool, "SELECT agent, amount FROM trust_stakes"))
        .rows,
    saveAgent: async (r: AgentTrustRecord) => {
      await run(
        pool,
        `INSERT INTO trust_agents (agent, level, changed_at, hold_reason, hold_until,
           login_demanded_at, blocked, penalty_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (agent) DO UPDATE SET level = excluded.level, changed_at = excluded.changed_at,
           hold_reason = excluded.hold_reason, hold_until = excluded.hold_until,
           login_demanded_at = excluded.login_demanded_at, blocked = excluded.blocked,
           penalty_until = excluded.penalty_until`,
        [
          r.agent,
          r.level,
          r.changedAt,
          r.holdReason,
          r.holdUntil,
          r.loginDemandedAt,
          r.blocked,
          r.penaltyUntil,
        ],
      );
    },
    listAgents: async () =>
      (await run<AgentTrustRecord>(pool, `SELECT ${AGENT_COLUMNS} FROM trust_agents`)).rows,
    listRegistrations: async () =>
      (
        await run<{ agent: string; registeredAt: number; instances: number }>(
          pool,
          `SELECT id AS agent, registered_at AS "registeredAt", instances FROM agents`,
        )
      ).rows,
  };
}
