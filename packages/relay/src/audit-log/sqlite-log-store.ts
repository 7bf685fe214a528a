import { Worker } from "node:worker_threads";
import { decodeEntryBundle, hashesAtTileLevel, TILE_WIDTH } from "@ants/protocol";
import type { Database, Statement } from "better-sqlite3";
import { RelayError } from "../errors/relay-error.ts";
import type {
  AuditLogStore,
  LogBatch,
  LogHead,
  LogSearchQuery,
  StoredLogState,
  TileRow,
} from "./audit-log-store.ts";
import { LOG_MOVED } from "./log-sequencer.ts";
import { nameKey, nameKeyOrNull } from "./name-key.ts";
import {
  createCheckpointWriter,
  createLogWriter,
  LogMovedError,
  type WriterBatch,
} from "./sqlite-log-writer.mjs";

/** The SQLite log store, and the end of its writer thread (sqlite-store.ts closes it). */
export interface SqliteLogStore extends AuditLogStore {
  close(): Promise<void>;
}

/**
 * The audit log's tables in the relay's SQLite database (see log-migration.ts); names in the
 * search index are stored as name keys (name-key.ts). Batches and checkpoints are written by a
 * worker thread with a connection of its own (sqlite-log-writer.mjs), started at the first
 * write, so each transaction and its fsync (`synchronous=FULL`) run beside the event loop; `appendBatch`
 * resolves once the batch is on disk. Batches are applied in the order sent and each one must
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

/** How long a batch waits for another connection's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;

interface Writer {
  write(batch: WriterBatch): Promise<void>;
  saveCheckpoint(size: number, note: string): Promise<void>;
  close(): Promise<void>;
}

/** The batch as the writer takes it: index rows as name keys, computed here. */
function writerBatch(batch: LogBatch): WriterBatch {
  return {
    bundles: batch.bundles,
    tiles: batch.tiles,
    heads: batch.heads,
    headsAt: batch.headsAt,
    rows: batch.index.map((row) => [
      row.index,
      row.time,
      nameKey(row.agent),
      nameKeyOrNull(row.principal),
      nameKeyOrNull(row.cmd),
      row.addressee === null ? null : nameKeyOrNull(row.invocation),
      nameKeyOrNull(row.addressee),
    ]),
  };
}

function writeFailed(message: string, logMoved: boolean, cause?: unknown): RelayError {
  return new RelayError("ERR_STORE_FAILED", `audit log: ${message}`, {
    cause,
    ...(logMoved ? { details: { [LOG_MOVED]: true } } : {}),
  });
}

function inThreadWriter(db: Database): Writer {
  const write = createLogWriter(db);
  const saveCheckpoint = createCheckpointWriter(db);
  return {
    saveCheckpoint: async (size, note) => saveCheckpoint(size, note),
    write: async (batch) => {
      try {
        write(batch);
      } catch (error) {
        throw writeFailed("batch not written", error instanceof LogMovedError, error);
      }
    },
    close: async () => {},
  };
}

/**
 * The writer thread of one database file: batches and checkpoints posted in order, each answered
 * once durable.
 * A thread that fails fails every batch it holds (none of them was acknowledged) and is
 * replaced at the next batch.
 */
class WriterThread implements Writer {
  readonly #path: string;
  #worker: Worker | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, { resolve(): void; reject(error: unknown): void }>();

  constructor(path: string) {
    this.#path = path;
  }

  write(batch: WriterBatch): Promise<void> {
    return this.#request({ type: "batch", batch });
  }

  /** The checkpoint goes through the same queue, so its fsync does not hold the event loop. */
  saveCheckpoint(size: number, note: string): Promise<void> {
    return this.#request({ type: "checkpoint", size, note });
  }

  #request(message: Record<string, unknown>): Promise<void> {
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // A write in progress keeps the process alive; an idle thread does not.
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ ...message, id });
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (worker === undefined) return;
    this.#worker = undefined;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    worker.postMessage({ type: "close" });
    await exited;
  }

  #start(): Worker {
    const worker = new Worker(new URL("./sqlite-log-writer.mjs", import.meta.url), {
      workerData: { auditLogWriter: true, path: this.#path, busyTimeoutMs: BUSY_TIMEOUT_MS },
      execArgv: [],
    });
    worker.on("message", (reply: { id: number; error?: string; logMoved?: boolean }) => {
      const waiter = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.error === undefined) waiter?.resolve();
      else waiter?.reject(writeFailed(reply.error, reply.logMoved === true));
    });
    const fail = (cause: unknown) => {
      if (this.#worker === worker) this.#worker = undefined;
      for (const waiter of this.#pending.values()) {
        waiter.reject(writeFailed("writer thread stopped", false, cause));
      }
      this.#pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`writer thread exited with ${code}`)));
    this.#worker = worker;
    return worker;
  }
}

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
