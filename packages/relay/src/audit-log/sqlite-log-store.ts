import { decodeEntryBundle, hashesAtTileLevel, TILE_WIDTH } from "@ants/protocol";
import type { Database, Statement } from "better-sqlite3";
import type {
  AuditLogStore,
  LogBatch,
  LogHead,
  LogSearchQuery,
  StoredLogState,
  TileRow,
} from "./audit-log-store.ts";
import { nameKey, nameKeyOrNull } from "./name-key.ts";

/**
 * The audit log's tables in the relay's SQLite database (see log-migration.ts); names in the
 * search index are stored as name keys (name-key.ts). The connection
 * runs with `synchronous=FULL`, so `appendBatch` returns only after its one transaction is on
 * disk; better-sqlite3 is synchronous, so the awaited promise is already settled.
 *
 * @example
 * const store = createSqliteLogStore(db);
 * await store.appendBatch({ bundles, tiles, heads, index });
 */
export function createSqliteLogStore(db: Database): AuditLogStore {
  const statements = prepare(db);
  const searches = new Map<string, Statement>();
  const appendBatch = db.transaction((batch: LogBatch) => {
    for (const bundle of batch.bundles) statements.insertBundle.run(bundle.first, bundle.bytes);
    for (const tile of batch.tiles) statements.upsertTile.run(tile.level, tile.index, tile.hashes);
    for (const head of batch.heads)
      statements.upsertHead.run(head.agent, head.index, head.leafHash);
    for (const row of batch.index) {
      statements.insertIndex.run(
        row.index,
        row.time,
        nameKey(row.agent),
        nameKeyOrNull(row.principal),
        nameKeyOrNull(row.cmd),
        row.addressee === null ? null : nameKeyOrNull(row.invocation),
        nameKeyOrNull(row.addressee),
      );
    }
  });
  return {
    loadState: async () => loadState(statements),
    appendBatch: async (batch) => appendBatch(batch),
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
    saveCheckpoint: async ({ size, note }) => {
      statements.upsertCheckpoint.run(size, note);
    },
    search: async (query) => search(db, searches, statements, query),
    firstIndexAt: async (time, size) => firstIndex(size, (i) => timeOfEntry(statements, i) >= time),
  };
}

function prepare(db: Database) {
  return {
    insertBundle: db.prepare("INSERT INTO log_entries (first, bundle) VALUES (?, ?)"),
    upsertTile: db.prepare(
      `INSERT INTO log_tiles (level, idx, hashes) VALUES (?, ?, ?)
       ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes`,
    ),
    upsertHead: db.prepare(
      `INSERT INTO log_heads (agent, idx, leaf_hash) VALUES (?, ?, ?)
       ON CONFLICT (agent) DO UPDATE SET idx = excluded.idx, leaf_hash = excluded.leaf_hash`,
    ),
    insertIndex: db.prepare(
      `INSERT INTO log_index (idx, time, agent, principal, cmd, invocation, addressee)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    lastBundle: db.prepare("SELECT first, bundle FROM log_entries ORDER BY first DESC LIMIT 1"),
    bundlesFrom: db.prepare(
      `SELECT first, bundle FROM log_entries
       WHERE first >= coalesce((SELECT max(first) FROM log_entries WHERE first <= ?), 0)
         AND first < ? ORDER BY first`,
    ),
    selectTile: db.prepare("SELECT hashes FROM log_tiles WHERE level = ? AND idx = ?"),
    selectHeads: db.prepare("SELECT agent, idx, leaf_hash FROM log_heads"),
    selectHeadsAt: db.prepare("SELECT heads_at FROM log_state WHERE id = 1"),
    updateHeadsAt: db.prepare("UPDATE log_state SET heads_at = ? WHERE id = 1"),
    selectTime: db.prepare("SELECT time FROM log_index WHERE idx = ?"),
    selectCheckpoint: db.prepare("SELECT size, note FROM log_checkpoint WHERE id = 1"),
    upsertCheckpoint: db.prepare(
      `INSERT INTO log_checkpoint (id, size, note) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note`,
    ),
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
