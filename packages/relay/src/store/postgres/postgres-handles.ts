import type pg from "pg";
import type {
  HandleEventRecord,
  HandleRecord,
  HandleRepository,
  HandleWrite,
  HandleWriteResult,
} from "../handle-repository.ts";
import { inTransaction, lockFor, type Queryable, run } from "./pg-pool.ts";

const COLUMNS = `name, agent, state, since, ended_at AS "endedAt", end_reason AS "endReason",
  quarantine_until AS "quarantineUntil", offer, version`;

type HandleRow = Omit<HandleRecord, "offer"> & { offer: string | null };

/** Thrown inside a transaction to roll it back with an outcome. */
class Abort {
  constructor(readonly outcome: "conflict" | "seed-used" | "limit") {}
}

/**
 * Handles in PostgreSQL. A write runs under the handle log's advisory lock (which also numbers
 * its event densely, in commit order): it spends its seed, checks the row's version and the
 * holder's limit, upserts the row and appends its event in one transaction, as in SQLite.
 *
 * @example
 * await createPostgresHandles(pool).write({ expectedVersion: 0, next, event, seed });
 */
export function createPostgresHandles(pool: pg.Pool): HandleRepository {
  return {
    get: async (name) =>
      fromRow(
        (await run<HandleRow>(pool, `SELECT ${COLUMNS} FROM handles WHERE name = $1`, [name]))
          .rows[0],
      ),
    listHeldBy: async (agent) =>
      (
        await run<HandleRow>(
          pool,
          `SELECT ${COLUMNS} FROM handles WHERE agent = $1 AND state = 'held' ORDER BY name`,
          [agent],
        )
      ).rows.map((row) => fromRow(row) as HandleRecord),
    listHolders: async () =>
      (
        await run<{ agent: string; lastSeen: number }>(
          pool,
          `SELECT h.agent AS agent,
             GREATEST(COALESCE(MAX(a.last_seen), 0), MAX(h.since)) AS "lastSeen"
           FROM handles h LEFT JOIN handle_activity a ON a.agent = h.agent
           WHERE h.state = 'held' GROUP BY h.agent`,
        )
      ).rows,
    write: async (change): Promise<HandleWriteResult> => {
      try {
        return { outcome: "written", seq: await inTransaction(pool, (c) => write(c, change)) };
      } catch (error) {
        if (error instanceof Abort) return { outcome: error.outcome };
        throw error;
      }
    },
    countClaimsSince: async (since) =>
      (
        await run<{ n: number }>(
          pool,
          "SELECT COUNT(*) AS n FROM handle_events WHERE kind = 'claimed' AND at >= $1",
          [since],
        )
      ).rows[0]!.n,
    listEventsSince: async (seq, limit) =>
      (
        await run<HandleEventRecord>(
          pool,
          `SELECT seq, at, kind, handle, agent, actor, statement, detail FROM handle_events
           WHERE seq > $1 ORDER BY seq LIMIT $2`,
          [seq, limit],
        )
      ).rows,
    saveActivity: async (entries) => {
      if (entries.length === 0) return;
      await run(
        pool,
        `INSERT INTO handle_activity (agent, last_seen)
         SELECT agent, max(last_seen) FROM unnest($1::text[], $2::int8[]) AS t(agent, last_seen)
         GROUP BY agent
         ON CONFLICT (agent) DO UPDATE
           SET last_seen = GREATEST(handle_activity.last_seen, excluded.last_seen)`,
        [entries.map((e) => e.agent), entries.map((e) => e.lastSeen)],
      );
    },
    lastSeen: async (agent) =>
      (
        await run<{ lastSeen: number }>(
          pool,
          `SELECT last_seen AS "lastSeen" FROM handle_activity WHERE agent = $1`,
          [agent],
        )
      ).rows[0]?.lastSeen,
    isSeedSpent: async (seed) =>
      ((await run(pool, "SELECT 1 FROM handle_seeds WHERE seed = $1", [seed])).rowCount ?? 0) > 0,
    purgeSeeds: async (now) =>
      (await run(pool, "DELETE FROM handle_seeds WHERE expires_at <= $1", [now])).rowCount ?? 0,
    challengeSecret: async (candidate) => {
      await run(
        pool,
        "INSERT INTO handle_secret (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        [Buffer.from(candidate)],
      );
      const { rows } = await run<{ secret: Buffer }>(
        pool,
        "SELECT secret FROM handle_secret WHERE id = 1",
      );
      return new Uint8Array(rows[0]!.secret);
    },
  };
}

async function write(client: Queryable, change: HandleWrite): Promise<number> {
  await lockFor(client, "handles");
  if (change.seed) {
    const spent = await run(
      client,
      "INSERT INTO handle_seeds (seed, expires_at) VALUES ($1, $2) ON CONFLICT (seed) DO NOTHING",
      [change.seed.seed, change.seed.expiresAt],
    );
    if (spent.rowCount === 0) throw new Abort("seed-used");
  }
  const { rows } = await run<{ version: number }>(
    client,
    "SELECT version FROM handles WHERE name = $1",
    [change.next.name],
  );
  if ((rows[0]?.version ?? 0) !== change.expectedVersion) throw new Abort("conflict");
  if (change.limit !== undefined) {
    const held = await run<{ n: number }>(
      client,
      "SELECT COUNT(*) AS n FROM handles WHERE agent = $1 AND state = 'held' AND name != $2",
      [change.limit.agent, change.next.name],
    );
    if (held.rows[0]!.n >= change.limit.max) throw new Abort("limit");
  }
  await upsert(client, change.next, change.expectedVersion + 1);
  const e = change.event;
  const event = await run<{ seq: number }>(
    client,
    `INSERT INTO handle_events (seq, at, kind, handle, agent, actor, statement, detail)
     SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5, $6, $7 FROM handle_events
     RETURNING seq`,
    [e.at, e.kind, e.handle, e.agent, e.actor, e.statement, e.detail],
  );
  return event.rows[0]!.seq;
}

async function upsert(client: Queryable, r: HandleRecord, version: number): Promise<void> {
  await run(
    client,
    `INSERT INTO handles (name, agent, state, since, ended_at, end_reason, quarantine_until,
       offer, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (name) DO UPDATE SET agent = excluded.agent, state = excluded.state,
       since = excluded.since, ended_at = excluded.ended_at, end_reason = excluded.end_reason,
       quarantine_until = excluded.quarantine_until, offer = excluded.offer,
       version = excluded.version`,
    [
      r.name,
      r.agent,
      r.state,
      r.since,
      r.endedAt,
      r.endReason,
      r.quarantineUntil,
      r.offer === null ? null : JSON.stringify(r.offer),
      version,
    ],
  );
}

function fromRow(row: HandleRow | undefined): HandleRecord | undefined {
  if (row === undefined) return undefined;
  return { ...row, offer: row.offer === null ? null : JSON.parse(row.offer) };
}
