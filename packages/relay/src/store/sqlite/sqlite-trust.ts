import type { Database } from "better-sqlite3";
import type {
  AgentTrustRecord,
  OutcomeRecord,
  StakeEvent,
  TrustRepository,
  VouchRecord,
} from "../trust-repository.ts";

/**
 * The trust tables (a schema migration of the SQLite store, docs/spec/trust.md 7):
 * - `trust_vouches`: accepted vouch statements;
 * - `trust_outcomes`: counted outcome reports, one per reporter and invocation;
 * - `trust_heartbeats`: covered heartbeat slots;
 * - `trust_stakes` and `trust_stake_events`: each agent's stake and every change to it;
 * - `trust_agents`: published levels, holds, demanded logins and vouch penalties.
 */
export const TRUST_MIGRATION = `
  CREATE TABLE trust_vouches (
    hash TEXT PRIMARY KEY,
    voucher TEXT NOT NULL,
    vouchee TEXT NOT NULL,
    level INTEGER NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    statement TEXT NOT NULL
  ) STRICT;
  CREATE INDEX trust_vouches_by_expiry ON trust_vouches (expires_at);

  CREATE TABLE trust_outcomes (
    hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    reporter TEXT NOT NULL,
    invocation TEXT NOT NULL,
    success INTEGER NOT NULL,
    weight REAL NOT NULL,
    at INTEGER NOT NULL,
    statement TEXT NOT NULL,
    UNIQUE (reporter, invocation)
  ) STRICT;
  CREATE INDEX trust_outcomes_by_time ON trust_outcomes (at);

  CREATE TABLE trust_heartbeats (
    agent TEXT NOT NULL,
    slot INTEGER NOT NULL,
    PRIMARY KEY (agent, slot)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX trust_heartbeats_by_slot ON trust_heartbeats (slot);

  CREATE TABLE trust_stakes (
    agent TEXT PRIMARY KEY,
    amount INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE trust_stake_events (
    seq INTEGER PRIMARY KEY,
    agent TEXT NOT NULL,
    action TEXT NOT NULL,
    amount INTEGER NOT NULL,
    operator TEXT NOT NULL,
    reason TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE trust_agents (
    agent TEXT PRIMARY KEY,
    level INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    hold_reason TEXT,
    hold_until INTEGER,
    login_demanded_at INTEGER,
    blocked INTEGER NOT NULL,
    penalty_until INTEGER
  ) STRICT;
`;

const VOUCH_COLUMNS =
  "hash, voucher, vouchee, level, issued_at AS issuedAt, expires_at AS expiresAt, " +
  "received_at AS receivedAt, statement";
const OUTCOME_COLUMNS = "hash, subject, reporter, invocation, success, weight, at, statement";
const AGENT_COLUMNS =
  "agent, level, changed_at AS changedAt, hold_reason AS holdReason, hold_until AS holdUntil, " +
  "login_demanded_at AS loginDemandedAt, blocked, penalty_until AS penaltyUntil";

/**
 * The trust repository in SQLite: prepared statements, one transaction per stake change.
 *
 * @example
 * const trust = createSqliteTrust(db);
 * await trust.putVouch(record);
 */
export function createSqliteTrust(db: Database): TrustRepository {
  const s = prepare(db);
  const changeStake = db.transaction((event: StakeEvent): number => {
    const held = (s.stakeOf.get(event.agent) as { amount: number } | undefined)?.amount ?? 0;
    const amount = event.action === "set" ? event.amount : Math.max(0, held - event.amount);
    s.upsertStake.run(event.agent, amount, event.at);
    s.insertStakeEvent.run(event);
    return amount;
  });
  return {
    putVouch: async (vouch) => s.insertVouch.run(vouch).changes === 1,
    listVouches: async (now) => s.liveVouches.all(now) as VouchRecord[],
    putOutcome: async (outcome) =>
      s.insertOutcome.run({ ...outcome, success: outcome.success ? 1 : 0 }).changes === 1,
    listOutcomes: async (since) =>
      (s.outcomesSince.all(since) as (Omit<OutcomeRecord, "success"> & { success: number })[]).map(
        (row) => ({ ...row, success: row.success === 1 }),
      ),
    putHeartbeatSlot: async (agent, slot) => {
      s.insertSlot.run(agent, slot);
    },
    listHeartbeatSlots: async (sinceSlot) =>
      s.slotsSince.all(sinceSlot) as { agent: string; slot: number }[],
    changeStake: async (event) => changeStake.immediate(event),
    listStakes: async () => s.stakes.all() as { agent: string; amount: number }[],
    saveAgent: async (record) => {
      s.upsertAgent.run({ ...record, blocked: record.blocked ? 1 : 0 });
    },
    listAgents: async () =>
      (s.agents.all() as (Omit<AgentTrustRecord, "blocked"> & { blocked: number })[]).map(
        (row) => ({ ...row, blocked: row.blocked === 1 }),
      ),
    listRegistrations: async () =>
      s.registrations.all() as { agent: string; registeredAt: number; instances: number }[],
  };
}

function prepare(db: Database) {
  return {
    insertVouch: db.prepare(
      `INSERT OR IGNORE INTO trust_vouches
       (hash, voucher, vouchee, level, issued_at, expires_at, received_at, statement)
       VALUES (@hash, @voucher, @vouchee, @level, @issuedAt, @expiresAt, @receivedAt, @statement)`,
    ),
    liveVouches: db.prepare(`SELECT ${VOUCH_COLUMNS} FROM trust_vouches WHERE expires_at > ?`),
    insertOutcome: db.prepare(
      `INSERT OR IGNORE INTO trust_outcomes
       (hash, subject, reporter, invocation, success, weight, at, statement)
       VALUES (@hash, @subject, @reporter, @invocation, @success, @weight, @at, @statement)`,
    ),
    outcomesSince: db.prepare(`SELECT ${OUTCOME_COLUMNS} FROM trust_outcomes WHERE at >= ?`),
    insertSlot: db.prepare("INSERT OR IGNORE INTO trust_heartbeats (agent, slot) VALUES (?, ?)"),
    slotsSince: db.prepare("SELECT agent, slot FROM trust_heartbeats WHERE slot >= ?"),
    stakeOf: db.prepare("SELECT amount FROM trust_stakes WHERE agent = ?"),
    upsertStake: db.prepare(
      `INSERT INTO trust_stakes (agent, amount, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (agent) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at`,
    ),
    insertStakeEvent: db.prepare(
      `INSERT INTO trust_stake_events (agent, action, amount, operator, reason, at)
       VALUES (@agent, @action, @amount, @operator, @reason, @at)`,
    ),
    stakes: db.prepare("SELECT agent, amount FROM trust_stakes"),
    upsertAgent: db.prepare(
      `INSERT INTO trust_agents (agent, level, changed_at, hold_reason, hold_until,
         login_demanded_at, blocked, penalty_until)
       VALUES (@agent, @level, @changedAt, @holdReason, @holdUntil, @loginDemandedAt, @blocked,
         @penaltyUntil)
       ON CONFLICT (agent) DO UPDATE SET level = excluded.level, changed_at = excluded.changed_at,
         hold_reason = excluded.hold_reason, hold_until = excluded.hold_until,
         login_demanded_at = excluded.login_demanded_at, blocked = excluded.blocked,
         penalty_until = excluded.penalty_until`,
    ),
    agents: db.prepare(`SELECT ${AGENT_COLUMNS} FROM trust_agents`),
    registrations: db.prepare(
      "SELECT id AS agent, registered_at AS registeredAt, instances FROM agents",
    ),
  };
}
