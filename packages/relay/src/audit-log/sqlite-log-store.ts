import { decodeEntryBundle, hashesAtTileLevel, TILE_WIDTH } from "@ants/protocol";
import type { Database, Statement } from "better-sqlite3";
import type {
  AuditLogStore,
  LogHead,
  LogSearchQuery,
  StoredLogState,
  TileRow,
} from "./audit-log-store.ts";
import { nameKey } from "./name-key.ts";
import { inThreadWriter, WriterThread, writerBatch } from "./sqlite-log-writer-thread.ts";

/** The SQLite log store, and the end of its writer thread (sqlite-store.ts closes it). */
export interface SqliteLogStore extends AuditLogStore {
  close(): Promise<void>;
}

/**
 * The audit log's tables in the relay's SQLite database (see log-migration.ts); names in the
 * search index are stored as name keys (name-key.ts). Batches and checkpoints are written by a
 * worker thread with a connection of its own (sqlite-log-writer-thread.ts), started at the
 * first write, so each transaction and its fsync (`synchronous=FULL`) run beside the event
 * loop; `appendBatch` resolves once the batch is on disk. Batches are applied in the order sent and each one must
 * start at the stored end of the log (else LOG_MOVED, nothing written), so the sequencer may
 * send the next batch before the previous one is durable (`ordered`). An in-memory database
 * has no second connection: its batches are written on the caller's connection.
 *
 * @example
 * const store = createSqliteLogStore(db);
 * await store.appendBatch({ bundles, tiles, heads, headsAt: undefined, index });
 */
export function createSqliteLogStore(db: Database): SqliteLogStore {
  const statements = prepare(db);
  const searches = new Map<string, Statement>();
  const writer = db.memory ? inThreadWriter(db) : new WriterThread(db.name);
  return {
    ordered: true,
    loadState: async () => loadState(statements),
    appendBatch: (batch) => writer.write(writerBatch(batch)),
    close: () => writer.close(),
    readTile: async (tile) => {
      const row = statements.selectTile.get(tile.level, tile.index) as
        | { hashes: Buffer }
        | undefined;
      return row === undefined ? undefined : new Uint8Array(row.hashes);
    },
    readEntries: async (begin, end) => readEntries(statements, begin, end),
    findInvocation: async (hash, addressee) =>
      (statements.selectInvocation.all(nameKey(hash), nameKey(addressee)) as { idx: number }[]).map(
        (row) => row.idx,
      ),
    saveCheckpoint: ({ size, note }) => writer.saveCheckpoint(size, note),
    search: async (query) => search(db, searches, statements, query),
    firstIndexAt: async (time, size) => firstIndex(size, (i) => timeOfEntry(statements, i) >= time),
  };
}

function prepare(db: Database) {
  return {
    lastBundle: db.prepare("SELECT first, bundle FROM log_entries ORDER BY first DESC LIMIT 1"),
    bundlesFrom: db.prepare(
      `SELECT first, bundle FROM log_entries
       WHERE first >= coalesce((SELECT max(first) FROM log_entries WHERE first <= ?), 0)
         AND first < ? ORDER BY first`,
    ),
    selectTile: db.prepare("SELECT hashes FROM log_tiles WHERE level = ? AND idx = ?"),
    selectHeads: db.prepare("SELECT agent, idx, leaf_hash FROM log_heads"),
    selectHeadsAt: db.prepare("SELECT heads_at FROM log_state WHERE id = 1"),
    selectTime: db.prepare("SELECT time FROM log_index WHERE idx = ?"),
    selectCheckpoint: db.prepare("SELECT size, note FROM log_checkpoint WHERE id = 1"),
    selectInvocation: db.prepare(
      "SELECT idx FROM log_index WHERE invocation = ? AND addressee = ? ORDER BY idx LIMIT 8",
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

function loadState(statements: Statements): StoredLogState {
  const last = statements.lastBundle.get() as { first: number; bundle: Buffer } | undefined;
  const size = last === undefined ? 0 : last.first + decodeEntryBundle(last.bundle).length;
  const heads = (
    statements.selectHeads.all() as { agent: string; idx: number; leaf_hash: Buffer }[]
  ).map((row): LogHead => ({ agent: row.agent, index: row.idx, leafHash: row.leaf_hash }));
  const edgeTiles: TileRow[] = [];
  // The right-most tile of level L holds hashes [256N, count); levels run out at count 0.
  for (let level = 1; hashesAtTileLevel(level, size) > 0; level++) {
    const index = Math.floor((hashesAtTileLevel(level, size) - 1) / TILE_WIDTH);
    const row = statements.selectTile.get(level, index) as { hashes: Buffer } | undefined;
    edgeTiles.push({ level, index, hashes: new Uint8Array(row?.hashes ?? new Uint8Array(0)) });
  }
  const checkpoint = statements.selectCheckpoint.get() as StoredLogState["checkpoint"];
  const { heads_at: headsAt } = statements.selectHeadsAt.get() as { heads_at: number };
  return { size, heads, headsAt, edgeTiles, checkpoint };
}

function readEntries(statements: Statements, begin: number, end: number): Uint8Array[] {
  const rows = statements.bundlesFrom.all(begin, end) as { first: number; bundle: Buffer }[];
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
  ["agent", "agent = @agent"],
  ["principal", "principal = @principal"],
  ["cmd", "cmd = @cmd"],
  ["after", "idx > @after"],
] as const;

function search(
  db: Database,
  cache: Map<string, Statement>,
  statements: Statements,
  query: LogSearchQuery,
): number[] {
  const timeOf = (index: number) => timeOfEntry(statements, index);
  const params: Record<string, number> = {
    from:
      query.since === undefined ? 0 : firstIndex(query.before, (i) => timeOf(i) >= query.since!),
    before:
      query.until === undefined
        ? query.before
        : firstIndex(query.before, (i) => timeOf(i) > query.until!),
    limit: query.limit,
  };
  const where = ["idx >= @from", "idx < @before"];
  for (const [name, clause] of SEARCH_FILTERS) {
    const value = query[name];
    if (value === undefined) continue;
    params[name] = typeof value === "string" ? nameKey(value) : value;
    where.push(clause);
  }
  // Every name filter is an indexed column; SQLite picks the most selective index. At most 16
  // shapes of query exist, so each is prepared once.
  const sql = `SELECT idx FROM log_index WHERE ${where.join(" AND ")} ORDER BY idx LIMIT @limit`;
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return (statement.all(params) as { idx: number }[]).map((row) => row.idx);
}

function timeOfEntry(statements: Statements, index: number): number {
  return (statements.selectTime.get(index) as { time: number } | undefined)?.time ?? 0;
}

/** The first index in [0, size) where `holds` becomes true (size if never): `holds` is monotone. */
function firstIndex(size: number, holds: (index: number) => boolean): number {
  let low = 0;
  let high = size;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (holds(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
