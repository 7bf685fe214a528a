import type pg from "pg";
import { RelayError } from "../../errors/relay-error.ts";
import { inTransaction, run } from "./pg-pool.ts";
import { POSTGRES_ASSERTION_JTIS_MIGRATION } from "./postgres-assertion-jtis.ts";
import { POSTGRES_KEY_EVENTS_MIGRATION } from "./postgres-key-events.ts";
import { POSTGRES_REPLAY_MIGRATION } from "./postgres-replay.ts";
import { POSTGRES_TRUST_MIGRATION } from "./postgres-trust.ts";

/**
 * Schema migrations of the PostgreSQL store, applied in order, each once. The tables, keys and
 * indexes mean what the SQLite store's do (sqlite-migrations.ts), so the repository contract holds
 * for both; integers are int8, blobs bytea, and keys that are paged or sorted compare bytewise
 * (COLLATE "C") as SQLite's do. Append-only: a released migration never changes.
 * Sequence numbers (revocations, handle events, decisions) are not PostgreSQL sequences: those
 * leave gaps and do not follow commit order, and readers catch up by "everything after n". Each
 * writer takes a number under an advisory lock held to commit instead (see pg-pool.ts lockFor).
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    owner TEXT,
    recovery TEXT,
    instances BIGINT NOT NULL,
    registration TEXT NOT NULL,
    registered_at BIGINT NOT NULL
  );

  CREATE TABLE sessions (
    id TEXT COLLATE "C" PRIMARY KEY,
    agent TEXT NOT NULL,
    instance TEXT NOT NULL,
    key_thumbprint TEXT NOT NULL,
    public_key TEXT NOT NULL,
    token TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT
  );
  CREATE INDEX sessions_by_agent ON sessions (agent, instance) WHERE ended_at IS NULL;
  CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE ended_at IS NULL;

  CREATE TABLE revocations (
    seq BIGINT PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT NOT NULL,
    revoker TEXT NOT NULL,
    at BIGINT NOT NULL,
    compromised_since BIGINT,
    epoch BIGINT,
    request TEXT
  );
  CREATE INDEX revocations_by_target ON revocations (kind, target);

  CREATE TABLE decisions (
    idx BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    principal TEXT,
    command TEXT,
    decision TEXT NOT NULL,
    reason TEXT,
    invocation_hash TEXT NOT NULL,
    invocation_jti TEXT NOT NULL,
    invocation_iat BIGINT NOT NULL,
    chain TEXT NOT NULL,
    entry TEXT NOT NULL
  );
  CREATE INDEX decisions_by_time ON decisions (at);
  CREATE INDEX decisions_by_actor ON decisions (actor, idx);

  CREATE TABLE pending (
    hash TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    principal TEXT NOT NULL,
    command TEXT NOT NULL,
    resource TEXT NOT NULL,
    request TEXT NOT NULL,
    requirements TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT
  );

  CREATE TABLE approvals (
    hash TEXT NOT NULL,
    approver TEXT COLLATE "C" NOT NULL,
    approval_hash TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (hash, approver)
  );

  CREATE TABLE handles (
    name TEXT COLLATE "C" PRIMARY KEY,
    agent TEXT NOT NULL,
    state TEXT NOT NULL,
    since BIGINT NOT NULL,
    ended_at BIGINT,
    end_reason TEXT,
    quarantine_until BIGINT,
    offer TEXT,
    version BIGINT NOT NULL
  );
  CREATE INDEX handles_by_agent ON handles (agent) WHERE state = 'held';

  CREATE TABLE handle_events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    handle TEXT NOT NULL,
    agent TEXT NOT NULL,
    actor TEXT,
    statement TEXT,
    detail TEXT NOT NULL
  );
  CREATE INDEX handle_events_by_kind ON handle_events (kind, at);

  CREATE TABLE handle_seeds (seed TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
  CREATE INDEX handle_seeds_by_expiry ON handle_seeds (expires_at);
  CREATE TABLE handle_activity (agent TEXT PRIMARY KEY, last_seen BIGINT NOT NULL);
  CREATE TABLE handle_secret (id INT PRIMARY KEY CHECK (id = 1), secret BYTEA NOT NULL);

  CREATE TABLE log_entries (first BIGINT PRIMARY KEY, bundle BYTEA NOT NULL);
  CREATE TABLE log_tiles (
    level INT NOT NULL,
    idx BIGINT NOT NULL,
    hashes BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
  );
  CREATE TABLE log_heads (agent TEXT PRIMARY KEY, idx BIGINT NOT NULL, leaf_hash BYTEA NOT NULL);
  CREATE TABLE log_state (id INT PRIMARY KEY CHECK (id = 1), heads_at BIGINT NOT NULL);
  INSERT INTO log_state (id, heads_at) VALUES (1, 0);
  CREATE TABLE log_checkpoint (
    id INT PRIMARY KEY CHECK (id = 1),
    size BIGINT NOT NULL,
    note TEXT NOT NULL
  );
  CREATE TABLE log_index (
    idx BIGINT PRIMARY KEY,
    time BIGINT NOT NULL,
    agent BIGINT NOT NULL,
    principal BIGINT,
    cmd BIGINT,
    invocation BIGINT,
    addressee BIGINT
  );
  CREATE INDEX log_index_by_agent ON log_index (agent);
  CREATE INDEX log_index_by_principal ON log_index (principal) WHERE principal IS NOT NULL;
  CREATE INDEX log_index_by_cmd ON log_index (cmd) WHERE cmd IS NOT NULL;
  CREATE INDEX log_index_by_invocation ON log_index (invocation) WHERE invocation IS NOT NULL;

  CREATE TABLE first_seen (
    hash TEXT COLLATE "C" PRIMARY KEY,
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    kid TEXT NOT NULL,
    parent TEXT,
    expires_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
  );
  CREATE INDEX first_seen_by_expiry ON first_seen (expires_at);
  `,
  // Trust: vouches, outcomes, heartbeat slots, stakes and their changes, agents' levels.
  POSTGRES_TRUST_MIGRATION,
  // Login challenges and claimed invocations, single use across instances and restarts.
  POSTGRES_REPLAY_MIGRATION,
  // Agents' key event logs (docs/spec/key-events.md 8), as in the SQLite store.
  POSTGRES_KEY_EVENTS_MIGRATION,
  // OAuth client assertion jtis already accepted, until their assertions expire.
  POSTGRES_ASSERTION_JTIS_MIGRATION,
];

/**
 * Brings the schema to the latest version in one transaction, first creating the schema named by
 * `createSchema` (an identifier checked by createPgPool). Several relays starting at once queue on
 * an advisory lock, so each migration runs exactly once. Refuses a schema written by a
 * newer relay (ERR_STORE_FAILED).
 *
 * @example
 * await migratePostgres(pool);
 */
export async function migratePostgres(
  pool: pg.Pool,
  options: { createSchema?: string; migrations?: readonly string[] } = {},
): Promise<void> {
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  await inTransaction(pool, async (client) => {
    await run(client, "SELECT pg_advisory_xact_lock(hashtextextended('ants:migrate', 0))");
    if (options.createSchema !== undefined) {
      await run(client, `CREATE SCHEMA IF NOT EXISTS ${options.createSchema}`);
    }
    await run(client, "CREATE TABLE IF NOT EXISTS ants_schema (version INT NOT NULL)");
    const { rows } = await run<{ version: number }>(client, "SELECT version FROM ants_schema");
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new RelayError(
        "ERR_STORE_FAILED",
        `store: schema version ${current} is newer than this relay (${migrations.length})`,
      );
    }
    for (let version = current; version < migrations.length; version++) {
      await run(client, migrations[version]!);
    }
    await run(client, "DELETE FROM ants_schema");
    await run(client, "INSERT INTO ants_schema (version) VALUES ($1)", [migrations.length]);
  });
}
