import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { createSqliteLogStore } from "../../audit-log/sqlite-log-store.ts";
import { RelayError } from "../../errors/relay-error.ts";
import type { RelayStore } from "../relay-store.ts";
import { createSqliteAgents } from "./sqlite-agents.ts";
import { createSqliteAssertionJtis } from "./sqlite-assertion-jtis.ts";
import { createSqliteDecisions } from "./sqlite-decisions.ts";
import { createSqliteFirstSeen } from "./sqlite-first-seen.ts";
import { createSqliteHandles } from "./sqlite-handles.ts";
import { createSqliteKeyEvents } from "./sqlite-key-events.ts";
import { migrateSqlite } from "./sqlite-migrations.ts";
import { createSqlitePending } from "./sqlite-pending.ts";
import { createSqliteReplay } from "./sqlite-replay.ts";
import { createSqliteRevocations } from "./sqlite-revocations.ts";
import { createSqliteSessions } from "./sqlite-sessions.ts";
import { createSqliteTrust } from "./sqlite-trust.ts";

/** The file name of the relay's database inside its data directory. */
export const SQLITE_FILE_NAME = "relay.sqlite";

/**
 * Opens (creating if needed) the embedded SQLite store at `path`, or in memory for ":memory:".
 * WAL lets readers run beside the single writer; `synchronous=FULL` makes every commit durable
 * before it returns, which every acknowledgement the relay gives relies on (registrations,
 * sessions, revocations, decisions). Decisions amortise the fsync by batching, not by relaxing it.
 *
 * @example
 * const store = openSqliteStore(join(dataDir, SQLITE_FILE_NAME));
 */
export function openSqliteStore(path: string): RelayStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let db: Database.Database;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    // A second process holding the write lock briefly should not fail a request at once. The
    // timeout only helps a transaction that takes the write lock first: one that reads and then
    // writes, after the audit log's writer thread (a connection of its own) committed in
    // between, fails at once with SQLITE_BUSY. So every such transaction here runs `.immediate`.
    db.pragma("busy_timeout = 5000");
    migrateSqlite(db);
  } catch (error) {
    if (error instanceof RelayError) throw error;
    throw new RelayError("ERR_STORE_FAILED", "store: cannot open the database", { cause: error });
  }
  const log = createSqliteLogStore(db);
  return {
    agents: createSqliteAgents(db),
    sessions: createSqliteSessions(db),
    revocations: createSqliteRevocations(db),
    decisions: createSqliteDecisions(db),
    pending: createSqlitePending(db),
    log,
    handles: createSqliteHandles(db),
    firstSeen: createSqliteFirstSeen(db),
    trust: createSqliteTrust(db),
    replay: createSqliteReplay(db),
    keyEvents: createSqliteKeyEvents(db),
    assertionJtis: createSqliteAssertionJtis(db),
    close: async () => {
      await log.close();
      if (db.open) db.close();
    },
  };
}
