import type pg from "pg";
import type { KeyEventRepository, StoredKeyEvent } from "../key-event-repository.ts";
import { inTransaction, run } from "./pg-pool.ts";

/**
 * Key event logs: one row per event, keyed by agent and sequence number, as the SQLite store's
 * key_events table (sqlite-key-events.ts). Approvals are a JSON array of compact JWS strings.
 */
export const POSTGRES_KEY_EVENTS_MIGRATION = `
  CREATE TABLE key_events (
    agent TEXT NOT NULL,
    seq BIGINT NOT NULL,
    event TEXT NOT NULL,
    approvals TEXT,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (agent, seq)
  );
  CREATE INDEX key_events_rotated ON key_events (agent) WHERE seq > 0;
`;

interface Row {
  agent: string;
  seq: number;
  event: string;
  approvals: string | null;
  receivedAt: number;
}

/**
 * Key event logs in PostgreSQL. An append inserts the event and updates the agent's current key
 * in one transaction; the primary key refuses a second event with the same sequence number, so
 * of two instances racing to append the same place exactly one wins, and the other answers
 * ERR_KEL_OUT_OF_ORDER. Every instance reads the agent's key from the agents table at login, so
 * a rotation is seen by all of them on their next login check (docs/spec/key-events.md 8.5).
 *
 * @example
 * const keyEvents = createPostgresKeyEvents(pool);
 * await keyEvents.append({ agent, seq: 1, event, approvals: null, receivedAt }, publicKey);
 */
export function createPostgresKeyEvents(pool: pg.Pool): KeyEventRepository {
  return {
    append: (entry, currentKey) =>
      inTransaction(pool, async (client) => {
        const approvals = entry.approvals === null ? null : JSON.stringify(entry.approvals);
        const inserted = await run(
          client,
          `INSERT INTO key_events (agent, seq, event, approvals, received_at)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agent, seq) DO NOTHING`,
          [entry.agent, entry.seq, entry.event, approvals, entry.receivedAt],
        );
        if (inserted.rowCount !== 1) return false;
        await run(client, "UPDATE agents SET public_key = $1 WHERE id = $2", [
          currentKey,
          entry.agent,
        ]);
        return true;
      }),
    list: async (agent) => {
      const { rows } = await run<Row>(
        pool,
        `SELECT agent, seq, event, approvals, received_at AS "receivedAt"
         FROM key_events WHERE agent = $1 ORDER BY seq`,
        [agent],
      );
      return rows.map(storedEvent);
    },
    listRotated: async () => {
      const { rows } = await run<{ agent: string }>(
        pool,
        "SELECT DISTINCT agent FROM key_events WHERE seq > 0",
      );
      return rows.map((row) => row.agent);
    },
  };
}

function storedEvent(row: Row): StoredKeyEvent {
  const approvals = row.approvals === null ? null : (JSON.parse(row.approvals) as string[]);
  return { ...row, approvals };
}
