import type pg from "pg";
import { type Queryable, run } from "./pg-pool.ts";

/**
 * The hand-off table between relay instances and the elected audit sequencer
 * (docs/operations.md "The audit log with several writers"). An instance that does not hold the
 * sequencer lock inserts its entry here, without `prev` and index; the holder sequences it, and
 * the batch that writes the entry sets `idx` in the same transaction (postgres-log-store.ts), so
 * a row is either waiting or durably in the log, never both nor neither. The submitter reads its
 * index back and deletes the row. Rows are transient: backups and migrations skip this table.
 * Created here rather than by a numbered migration, idempotently, under the migration lock.
 */
export const LOG_QUEUE_TABLE = `
  CREATE TABLE IF NOT EXISTS log_queue (
    id BIGSERIAL PRIMARY KEY,
    agent TEXT NOT NULL,
    entry TEXT NOT NULL,
    facts TEXT NOT NULL,
    idx BIGINT,
    queued_at BIGINT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS log_queue_waiting ON log_queue (id) WHERE idx IS NULL;
`;

/** One waiting row, as the holder reads it. */
export interface QueuedRow {
  readonly id: number;
  readonly agent: string;
  /** The entry without `prev`, as JSON. */
  readonly entry: string;
  /** The index row's facts, as JSON. */
  readonly facts: string;
}

/** The NOTIFY channels of the hand-off, per schema. */
export function logQueueChannels(schema: string): { queued: string; sequenced: string } {
  return { queued: `ants_log_queued_${schema}`, sequenced: `ants_log_sequenced_${schema}` };
}

/**
 * Operations on the hand-off table.
 *
 * @example
 * const queue = createPostgresLogQueue(pool, "public");
 * const [id] = await queue.enqueue([{ agent, entry, facts }], now);
 */
export function createPostgresLogQueue(pool: pg.Pool, schema: string) {
  const channels = logQueueChannels(schema);
  return {
    channels,
    /** Creates the table when missing. */
    ensureTable: async (): Promise<void> => {
      const client = await pool.connect();
      try {
        await run(client, "BEGIN");
        await run(client, "SELECT pg_advisory_xact_lock(hashtextextended('ants:migrate', 0))");
        await run(client, LOG_QUEUE_TABLE);
        await run(client, "COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    /**
     * Inserts waiting rows in one statement and wakes the holder; resolves their ids, in the
     * order of `rows`, once committed (ids are drawn in the order the rows are inserted).
     */
    enqueue: async (rows: readonly Omit<QueuedRow, "id">[], now: number): Promise<number[]> => {
      const { rows: inserted } = await run<{ id: number }>(
        pool,
        `WITH queued AS (
           INSERT INTO log_queue (agent, entry, facts, queued_at)
           SELECT agent, entry, facts, $4 FROM unnest($1::text[], $2::text[], $3::text[])
             WITH ORDINALITY AS input(agent, entry, facts, n) ORDER BY n
           RETURNING id)
         SELECT id FROM queued, pg_notify($5, '') ORDER BY id`,
        [
          rows.map((r) => r.agent),
          rows.map((r) => r.entry),
          rows.map((r) => r.facts),
          now,
          channels.queued,
        ],
      );
      return inserted.map((row) => row.id);
    },
    /**
     * Waiting rows, oldest first, but those in `skip` (in hand or refused). Ids are taken in
     * insertion order, not commit order, so the holder never reads "everything after n".
     */
    waiting: async (skip: readonly number[], limit: number): Promise<QueuedRow[]> =>
      (
        await run<QueuedRow>(
          pool,
          `SELECT id, agent, entry, facts FROM log_queue
           WHERE idx IS NULL AND NOT (id = ANY($1::int8[])) ORDER BY id LIMIT $2`,
          [skip, limit],
        )
      ).rows,
    /** The indexes given so far to the rows `ids`. */
    sequenced: async (ids: readonly number[]): Promise<Map<number, number>> => {
      const { rows } = await run<{ id: number; idx: number }>(
        pool,
        "SELECT id, idx FROM log_queue WHERE id = ANY($1::int8[]) AND idx IS NOT NULL",
        [ids],
      );
      return new Map(rows.map((row) => [row.id, row.idx]));
    },
    /** Deletes rows whose submitters have read their index. */
    remove: async (ids: readonly number[]): Promise<void> => {
      await run(pool, "DELETE FROM log_queue WHERE id = ANY($1::int8[])", [ids]);
    },
    /**
     * Deletes sequenced rows queued before `before` (Unix seconds) that nobody read back: their
     * submitter stopped before answering. The entries themselves are in the log.
     */
    removeStale: async (before: number): Promise<void> => {
      await run(pool, "DELETE FROM log_queue WHERE idx IS NOT NULL AND queued_at < $1", [before]);
    },
    /** Tells waiting submitters that rows were sequenced. */
    notifySequenced: async (db: Queryable = pool): Promise<void> => {
      await run(db, "SELECT pg_notify($1, '')", [channels.sequenced]);
    },
  };
}

/** The hand-off operations. */
export type PostgresLogQueue = ReturnType<typeof createPostgresLogQueue>;
