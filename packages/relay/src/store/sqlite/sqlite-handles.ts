import type { Database } from "better-sqlite3";
import type {
  HandleEventRecord,
  HandleRecord,
  HandleRepository,
  HandleWrite,
  HandleWriteResult,
} from "../handle-repository.ts";

/**
 * The handle registry's tables (a schema migration of the SQLite store):
 * - `handles`: one row per name, held or quarantined, with the pending transfer offer;
 * - `handle_events`: the append-only lifecycle events, also the audit log's outbox;
 * - `handle_seeds`: spent proof-of-work seeds, kept until their challenge expires;
 * - `handle_activity`: holders' last authenticated call, persisted periodically;
 * - `handle_secret`: the challenge secret, one row.
 */
export const HANDLES_MIGRATION = `
  CREATE TABLE handles (
    name TEXT PRIMARY KEY,
    agent TEXT NOT NULL,
    state TEXT NOT NULL,
    since INTEGER NOT NULL,
    ended_at INTEGER,
    end_reason TEXT,
    quarantine_until INTEGER,
    offer TEXT,
    version INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX handles_by_agent ON handles (agent) WHERE state = 'held';

  CREATE TABLE handle_events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    handle TEXT NOT NULL,
    agent TEXT NOT NULL,
    actor TEXT,
    statement TEXT,
    detail TEXT NOT NULL
  ) STRICT;
  CREATE INDEX handle_events_by_kind ON handle_events (kind, at);

  CREATE TABLE handle_seeds (
    seed TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX handle_seeds_by_expiry ON handle_seeds (expires_at);

  CREATE TABLE handle_activity (
    agent TEXT PRIMARY KEY,
    last_seen INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE handle_secret (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL
  ) STRICT;
`;

const HANDLE_COLUMNS = `name, agent, state, since, ended_at AS endedAt, end_reason AS endReason,
  quarantine_until AS quarantineUntil, offer, version`;

type HandleRow = Omit<HandleRecord, "offer"> & { offer: string | null };

/** Thrown inside a transaction to roll it back with an outcome. */
class Abort {
  constructor(readonly outcome: "conflict" | "seed-used" | "limit") {}
}

/**
 * Handles in SQLite. A write spends its seed, checks the row's version and the holder's limit,
 * upserts the row and appends its event in one transaction, so none happens without the others.
 *
 * @example
 * const handles = createSqliteHandles(db);
 * await handles.write({ expectedVersion: 0, next, event, seed });
 */
export function createSqliteHandles(db: Database): HandleRepository {
  const s = prepareStatements(db);
  const write = db.transaction((change: HandleWrite): number => {
    if (change.seed && s.spendSeed.run(change.seed.seed, change.seed.expiresAt).changes === 0) {
      throw new Abort("seed-used");
    }
    const current = (s.version.get(change.next.name) as { version: number } | undefined)?.version;
    if ((current ?? 0) !== change.expectedVersion) throw new Abort("conflict");
    if (change.limit !== undefined) {
      const { n } = s.countHeld.get(change.limit.agent, change.next.name) as { n: number };
      if (n >= change.limit.max) throw new Abort("limit");
    }
    s.upsert.run(toRow(change.next, change.expectedVersion + 1));
    return Number(s.appendEvent.run(change.event).lastInsertRowid);
  });

  return {
    get: async (name) => fromRow(s.select.get(name) as HandleRow | undefined),
    listHeldBy: async (agent) =>
      (s.heldBy.all(agent) as HandleRow[]).map((row) => fromRow(row) as HandleRecord),
    listHolders: async () => s.holders.all() as { agent: string; lastSeen: number }[],
    write: async (change): Promise<HandleWriteResult> => {
      try {
        return { outcome: "written", seq: write.immediate(change) };
      } catch (error) {
        if (error instanceof Abort) return { outcome: error.outcome };
        throw error;
      }
    },
    countClaimsSince: async (since) => (s.countClaims.get(since) as { n: number }).n,
    listEventsSince: async (seq, limit) => s.eventsSince.all(seq, limit) as HandleEventRecord[],
    saveActivity: async (entries) => {
      db.transaction(() => {
        for (const entry of entries) s.saveActivity.run(entry.agent, entry.lastSeen);
      })();
    },
    lastSeen: async (agent) =>
      (s.lastSeen.get(agent) as { lastSeen: number } | undefined)?.lastSeen,
    isSeedSpent: async (seed) => s.seedSpent.get(seed) !== undefined,
    purgeSeeds: async (now) => s.purgeSeeds.run(now).changes,
    challengeSecret: async (candidate) => {
      s.insertSecret.run(Buffer.from(candidate));
      return new Uint8Array((s.selectSecret.get() as { secret: Buffer }).secret);
    },
  };
}

function prepareStatements(db: Database) {
  return {
    select: db.prepare(`SELECT ${HANDLE_COLUMNS} FROM handles WHERE name = ?`),
    heldBy: db.prepare(
      `SELECT ${HANDLE_COLUMNS} FROM handles WHERE agent = ? AND state = 'held' ORDER BY name`,
    ),
    holders: db.prepare(
      `SELECT h.agent AS agent, MAX(COALESCE(a.last_seen, 0), MAX(h.since)) AS lastSeen
       FROM handles h LEFT JOIN handle_activity a ON a.agent = h.agent
       WHERE h.state = 'held' GROUP BY h.agent`,
    ),
    version: db.prepare("SELECT version FROM handles WHERE name = ?"),
    countHeld: db.prepare(
      "SELECT COUNT(*) AS n FROM handles WHERE agent = ? AND state = 'held' AND name != ?",
    ),
    spendSeed: db.prepare(
      "INSERT INTO handle_seeds (seed, expires_at) VALUES (?, ?) ON CONFLICT (seed) DO NOTHING",
    ),
    upsert: db.prepare(
      `INSERT INTO handles (name, agent, state, since, ended_at, end_reason, quarantine_until,
         offer, version)
       VALUES (@name, @agent, @state, @since, @endedAt, @endReason, @quarantineUntil, @offer,
         @version)
       ON CONFLICT (name) DO UPDATE SET agent = excluded.agent, state = excluded.state,
         since = excluded.since, ended_at = excluded.ended_at, end_reason = excluded.end_reason,
         quarantine_until = excluded.quarantine_until, offer = excluded.offer,
         version = excluded.version`,
    ),
    appendEvent: db.prepare(
      `INSERT INTO handle_events (at, kind, handle, agent, actor, statement, detail)
       VALUES (@at, @kind, @handle, @agent, @actor, @statement, @detail)`,
    ),
    countClaims: db.prepare(
      "SELECT COUNT(*) AS n FROM handle_events WHERE kind = 'claimed' AND at >= ?",
    ),
    eventsSince: db.prepare(
      `SELECT seq, at, kind, handle, agent, actor, statement, detail FROM handle_events
       WHERE seq > ? ORDER BY seq LIMIT ?`,
    ),
    saveActivity: db.prepare(
      `INSERT INTO handle_activity (agent, last_seen) VALUES (?, ?)
       ON CONFLICT (agent) DO UPDATE SET last_seen = MAX(last_seen, excluded.last_seen)`,
    ),
    lastSeen: db.prepare("SELECT last_seen AS lastSeen FROM handle_activity WHERE agent = ?"),
    seedSpent: db.prepare("SELECT 1 FROM handle_seeds WHERE seed = ?"),
    purgeSeeds: db.prepare("DELETE FROM handle_seeds WHERE expires_at <= ?"),
    insertSecret: db.prepare(
      "INSERT INTO handle_secret (id, secret) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
    ),
    selectSecret: db.prepare("SELECT secret FROM handle_secret WHERE id = 1"),
  };
}

function toRow(record: HandleRecord, version: number): HandleRow {
  return {
    ...record,
    offer: record.offer === null ? null : JSON.stringify(record.offer),
    version,
  };
}

function fromRow(row: HandleRow | undefined): HandleRecord | undefined {
  if (row === undefined) return undefined;
  return { ...row, offer: row.offer === null ? null : JSON.parse(row.offer) };
}
