import type { Database } from "better-sqlite3";
import type { KeyEventRepository, StoredKeyEvent } from "../key-event-repository.ts";

/** Key event logs: one row per event, keyed by agent and sequence number. */
export const KEY_EVENTS_MIGRATION = `
  CREATE TABLE key_events (
    agent TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    approvals TEXT,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (agent, seq)
  ) STRICT, WITHOUT ROWID;
`;

interface Row {
  agent: string;
  seq: number;
  event: string;
  approvals: string | null;
  receivedAt: number;
}

/**
 * Key event logs in SQLite. An append inserts the event and updates the agent's current key in
 * one transaction; the primary key refuses a second event with the same sequence number, which
 * is what settles two rotations racing for the same place.
 *
 * @example
 * const keyEvents = createSqliteKeyEvents(db);
 * await keyEvents.append({ agent, seq: 0, event, approvals: null, receivedAt }, publicKey);
 */
export function createSqliteKeyEvents(db: Database): KeyEventRepository {
  const insert = db.prepare(
    `INSERT INTO key_events (agent, seq, event, approvals, received_at)
     VALUES (@agent, @seq, @event, @approvals, @receivedAt)
     ON CONFLICT (agent, seq) DO NOTHING`,
  );
  const setKey = db.prepare("UPDATE agents SET public_key = ? WHERE id = ?");
  const select = db.prepare(
    `SELECT agent, seq, event, approvals, received_at AS receivedAt
     FROM key_events WHERE agent = ? ORDER BY seq`,
  );
  const rotated = db.prepare("SELECT DISTINCT agent FROM key_events WHERE seq > 0");
  const append = db.transaction((entry: StoredKeyEvent, currentKey: string) => {
    const approvals = entry.approvals === null ? null : JSON.stringify(entry.approvals);
    if (insert.run({ ...entry, approvals }).changes !== 1) return false;
    setKey.run(currentKey, entry.agent);
    return true;
  });
  return {
    append: async (entry, currentKey) => append.immediate(entry, currentKey),
    list: async (agent) =>
      (select.all(agent) as Row[]).map((row) => ({
        ...row,
        approvals: row.approvals === null ? null : (JSON.parse(row.approvals) as string[]),
      })),
    listRotated: async () => (rotated.all() as { agent: string }[]).map((row) => row.agent),
  };
}
