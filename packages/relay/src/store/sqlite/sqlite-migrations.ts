import type { Database } from "better-sqlite3";
import { AUDIT_LOG_MIGRATION } from "../../audit-log/log-migration.ts";
import { RelayError } from "../../errors/relay-error.ts";
import { ASSERTION_JTIS_MIGRATION } from "./sqlite-assertion-jtis.ts";
import { FIRST_SEEN_MIGRATION } from "./sqlite-first-seen.ts";
import { HANDLES_MIGRATION } from "./sqlite-handles.ts";
import { KEY_EVENTS_MIGRATION } from "./sqlite-key-events.ts";
import { REPLAY_MIGRATION } from "./sqlite-replay.ts";
import { REVOCATION_LOG_MIGRATION } from "./sqlite-revocations.ts";
import { TRUST_MIGRATION } from "./sqlite-trust.ts";

/**
 * Schema migrations, applied in order, each once, in one transaction. The applied version is
 * kept in `PRAGMA user_version`. Migrations are append-only: a released one never changes.
 * Every lookup on a hot path has an index; nothing there scans a table.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    owner TEXT,
    recovery TEXT,
    instances INTEGER NOT NULL,
    registration TEXT NOT NULL,
    registered_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    agent TEXT NOT NULL,
    instance TEXT NOT NULL,
    key_thumbprint TEXT NOT NULL,
    public_key TEXT NOT NULL,
    token TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT
  ) STRICT;
  CREATE INDEX sessions_by_agent ON sessions (agent, instance) WHERE ended_at IS NULL;
  CREATE INDEX sessions_by_expiry ON sessions (expires_at) WHERE ended_at IS NULL;

  CREATE TABLE revocations (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    reason TEXT NOT NULL,
    revoker TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE decisions (
    idx INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    principal TEXT,
    command TEXT,
    decision TEXT NOT NULL,
    reason TEXT,
    invocation_hash TEXT NOT NULL,
    invocation_jti TEXT NOT NULL,
    invocation_iat INTEGER NOT NULL,
    chain TEXT NOT NULL,
    entry TEXT NOT NULL
  ) STRICT;
  CREATE INDEX decisions_by_time ON decisions (at);

  CREATE TABLE pending (
    hash TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    principal TEXT NOT NULL,
    command TEXT NOT NULL,
    resource TEXT NOT NULL,
    request TEXT NOT NULL,
    requirements TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT
  ) STRICT;

  CREATE TABLE approvals (
    hash TEXT NOT NULL,
    approver TEXT NOT NULL,
    approval_hash TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (hash, approver)
  ) STRICT;
  `,
  // Each agent's latest decision, for the per-agent chain of audit entries (prev).
  `
  CREATE INDEX decisions_by_actor ON decisions (actor, idx);
  `,
  // Handles: names, lifecycle events, spent seeds, holder activity, challenge secret.
  HANDLES_MIGRATION,
  // The audit log: entry bundles, hash tiles, chain heads, last checkpoint, search index.
  AUDIT_LOG_MIGRATION,
  // Revocation log columns (compromise time, epoch, signed request) and the first-seen table.
  REVOCATION_LOG_MIGRATION + FIRST_SEEN_MIGRATION,
  // Trust: vouches, outcomes, heartbeat slots, stakes and their changes, agents' levels.
  TRUST_MIGRATION,
  // Key event logs: each agent's inception and rotations with their receipt times.
  KEY_EVENTS_MIGRATION,
  // Login challenges and claimed invocations, single use across instances and restarts.
  REPLAY_MIGRATION,
  // OAuth client assertion jtis already accepted, until their assertions expire.
  ASSERTION_JTIS_MIGRATION,
];

/**
 * Brings a database to the latest schema version. Refuses a database written by a newer relay
 * (ERR_STORE_FAILED), since an older relay cannot know what the newer schema means.
 *
 * @example
 * migrateSqlite(db); // applies every migration not yet applied
 */
export function migrateSqlite(
  db: Database,
  migrations: readonly string[] = SQLITE_MIGRATIONS,
): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > migrations.length) {
    throw new RelayError(
      "ERR_STORE_FAILED",
      `store: schema version ${current} is newer than this relay (${migrations.length})`,
    );
  }
  const apply = db.transaction(() => {
    for (let version = current; version < migrations.length; version++) {
      db.exec(migrations[version]!);
    }
    db.pragma(`user_version = ${migrations.length}`);
  });
  apply();
}
