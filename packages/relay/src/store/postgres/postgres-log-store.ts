import { decodeEntryBundle, hashesAtTileLevel, TILE_WIDTH } from "@ants/protocol";
import type pg from "pg";
import type {
  AuditLogStore,
  LogBatch,
  LogSearchQuery,
  StoredLogState,
  TileRow,
} from "../../audit-log/audit-log-store.ts";
import { LOG_MOVED } from "../../audit-log/log-sequencer.ts";
import { nameKey, nameKeyOrNull } from "../../audit-log/name-key.ts";
import { RelayError } from "../../errors/relay-error.ts";
import { inTransaction, lockFor, type Queryable, run } from "./pg-pool.ts";

/**
 * The audit log's tables in PostgreSQL (the same layout as log-migration.ts). `appendBatch` is one
 * transaction, durable at commit, under the log's advisory lock: several relays share the log, so
 * a batch that does not start exactly at the stored end (its writer's view is stale) is refused
 * whole with the LOG_MOVED flag, and that writer reloads and restages it. The log never forks and
 * an acknowledged entry is never overwritten. The stored checkpoint only ever grows.
 *
 * @example
 * await createPostgresLogStore(pool).appendBatch(batch);
 */
export function createPostgresLogStore(pool: pg.Pool): AuditLogStore {
  return {
    loadState: () => loadState(pool),
    appendBatch: (batch) => inTransaction(pool, (client) => appendBatch(client, batch)),
    readTile: async (tile) => {
      const { rows } = await run<{ hashes: Buffer }>(
        pool,
        "SELECT hashes FROM log_tiles WHERE level = $1 AND idx = $2",
        [tile.level, tile.index],
      );
      return rows[0] === undefined ? undefined : new Uint8Array(rows[0].hashes);
    },
    readEntries: (begin, end) => readEntries(pool, begin, end),
    findInvocation: async (hash, addressee) =>
      (
        await run<{ idx: number }>(
          pool,
          "SELECT idx FROM log_index WHERE invocation = $1 AND addressee = $2 ORDER BY idx LIMIT 8",
          [nameKey(hash), nameKey(addressee)],
        )
      ).rows.map((row) => row.idx),
    saveCheckpoint: async ({ size, note }) => {
      await run(
        pool,
        `INSERT INTO log_checkpoint (id, size, note) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note
         WHERE log_checkpoint.size < excluded.size`,
        [size, note],
      );
    },
    firstIndexAt: (time, size) => firstIndex(size, async (i) => (await timeOf(pool, i)) >= time),
    search: (query) => search(pool, query),
  };
}

async function appendBatch(client: Queryable, batch: LogBatch): Promise<void> {
  await lockFor(client, "log");
  const { rows } = await run<{ size: number }>(
    client,
    "SELECT coalesce(max(idx) + 1, 0)::int8 AS size FROM log_index",
  );
  const first = batch.index[0]?.index ?? batch.bundles[0]?.first;
  if (first !== undefined && first !== rows[0]!.size) {
    throw new RelayError("ERR_STORE_FAILED", "audit log: another instance appended first", {
      details: { [LOG_MOVED]: true },
    });
  }
  for (const bundle of batch.bundles) {
    await run(client, "INSERT INTO log_entries (first, bundle) VALUES ($1, $2)", [
      bundle.first,
      Buffer.from(bundle.bytes),
    ]);
  }
  for (const tile of batch.tiles) {
    await run(
      client,
      `INSERT INTO log_tiles (level, idx, hashes) VALUES ($1, $2, $3)
       ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes`,
      [tile.level, tile.index, Buffer.from(tile.hashes)],
    );
  }
  for (const head of batch.heads) {
    await run(
      client,
      `INSERT INTO log_heads (agent, idx, leaf_hash) VALUES ($1, $2, $3)
       ON CONFLICT (agent) DO UPDATE SET idx = excluded.idx, leaf_hash = excluded.leaf_hash`,
      [head.agent, head.index, Buffer.from(head.leafHash)],
    );
  }
  if (batch.headsAt !== undefined) {
    await run(client, "UPDATE log_state SET heads_at = $1 WHERE id = 1", [batch.headsAt]);
  }
  if (batch.index.length === 0) return;
  const column = <T>(pick: (row: LogBatch["index"][number]) => T) => batch.index.map(pick);
  await run(
    client,
    `INSERT INTO log_index (idx, time, agent, principal, cmd, invocation, addressee)
     SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[], $4::int8[], $5::int8[],
       $6::int8[], $7::int8[])`,
    [
      column((r) => r.index),
      column((r) => r.time),
      column((r) => nameKey(r.agent)),
      column((r) => nameKeyOrNull(r.principal)),
      column((r) => nameKeyOrNull(r.cmd)),
      column((r) => (r.addressee === null ? null : nameKeyOrNull(r.invocation))),
      column((r) => nameKeyOrNull(r.addressee)),
    ],
  );
  await markSequenced(client, batch.index);
}

/**
 * Marks the hand-off rows of this batch's entries as sequenced, in the batch's transaction. A
 * row already marked means another writer sequenced that entry first (a sequencer that lost its
 * lock): the batch is refused whole rather than write the entry twice.
 */
async function markSequenced(client: Queryable, rows: LogBatch["index"]): Promise<void> {
  const handed = rows.filter((row) => row.queueId !== undefined);
  if (handed.length === 0) return;
  const result = await run(
    client,
    `UPDATE log_queue SET idx = handed.idx
     FROM unnest($1::int8[], $2::int8[]) AS handed(id, idx)
     WHERE log_queue.id = handed.id AND log_queue.idx IS NULL`,
    [handed.map((row) => row.queueId), handed.map((row) => row.index)],
  );
  if (result.rowCount !== handed.length) {
    throw new RelayError("ERR_STORE_FAILED", "audit log: a handed-off entry was sequenced already");
  }
}

async function loadState(db: Queryable): Promise<StoredLogState> {
  const last = (
    await run<{ first: number; bundle: Buffer }>(
      db,
      "SELECT first, bundle FROM log_entries ORDER BY first DESC LIMIT 1",
    )
  ).rows[0];
  const size = last === undefined ? 0 : last.first + decodeEntryBundle(last.bundle).length;
  const heads = (
    await run<{ agent: string; idx: number; leaf_hash: Buffer }>(
      db,
      "SELECT agent, idx, leaf_hash FROM log_heads",
    )
  ).rows.map((row) => ({ agent: row.agent, index: row.idx, leafHash: row.leaf_hash }));
  const edgeTiles: TileRow[] = [];
  // The right-most tile of level L holds hashes [256N, count); levels run out at count 0.
  for (let level = 1; hashesAtTileLevel(level, size) > 0; level++) {
    const index = Math.floor((hashesAtTileLevel(level, size) - 1) / TILE_WIDTH);
    const { rows } = await run<{ hashes: Buffer }>(
      db,
      "SELECT hashes FROM log_tiles WHERE level = $1 AND idx = $2",
      [level, index],
    );
    edgeTiles.push({ level, index, hashes: new Uint8Array(rows[0]?.hashes ?? new Uint8Array(0)) });
  }
  const checkpoint = (
    await run<{ size: number; note: string }>(
      db,
      "SELECT size, note FROM log_checkpoint WHERE id = 1",
    )
  ).rows[0];
  const state = await run<{ heads_at: number }>(db, "SELECT heads_at FROM log_state WHERE id = 1");
  return { size, heads, headsAt: state.rows[0]!.heads_at, edgeTiles, checkpoint };
}

async function readEntries(db: Queryable, begin: number, end: number): Promise<Uint8Array[]> {
  const { rows } = await run<{ first: number; bundle: Buffer }>(
    db,
    `SELECT first, bundle FROM log_entries
     WHERE first >= coalesce((SELECT max(first) FROM log_entries WHERE first <= $1), 0)
       AND first < $2 ORDER BY first`,
    [begin, end],
  );
  const entries: Uint8Array[] = [];
  for (const row of rows) {
    decodeEntryBundle(row.bundle).forEach((entry, i) => {
      const index = row.first + i;
      if (index >= begin && index < end) entries.push(new Uint8Array(entry));
    });
  }
  return entries;
}

const SEARCH_FILTERS = [
  ["agent", "agent"],
  ["principal", "principal"],
  ["cmd", "cmd"],
] as const;

async function search(db: Queryable, query: LogSearchQuery): Promise<number[]> {
  const since = query.since;
  const until = query.until;
  const from =
    since === undefined
      ? 0
      : await firstIndex(query.before, async (i) => (await timeOf(db, i)) >= since);
  const before =
    until === undefined
      ? query.before
      : await firstIndex(query.before, async (i) => (await timeOf(db, i)) > until);
  const values: unknown[] = [from, before, query.limit];
  const where = ["idx >= $1", "idx < $2"];
  for (const [name, column] of SEARCH_FILTERS) {
    const value = query[name];
    if (value === undefined) continue;
    values.push(nameKey(value));
    where.push(`${column} = $${values.length}`);
  }
  if (query.after !== undefined) {
    values.push(query.after);
    where.push(`idx > $${values.length}`);
  }
  const { rows } = await run<{ idx: number }>(
    db,
    `SELECT idx FROM log_index WHERE ${where.join(" AND ")} ORDER BY idx LIMIT $3`,
    values,
  );
  return rows.map((row) => row.idx);
}

async function timeOf(db: Queryable, index: number): Promise<number> {
  const { rows } = await run<{ time: number }>(db, "SELECT time FROM log_index WHERE idx = $1", [
    index,
  ]);
  return rows[0]?.time ?? 0;
}

/** The first index in [0, size) where `holds` becomes true (size if never): `holds` is monotone. */
async function firstIndex(
  size: number,
  holds: (index: number) => Promise<boolean>,
): Promise<number> {
  let low = 0;
  let high = size;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (await holds(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
