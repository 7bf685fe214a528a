/**
 * The write side of the audit log's SQLite tables: one durable transaction per batch, either on
 * the caller's connection or on a worker thread that owns a connection of its own, so a batch's
 * index inserts and its fsync (`synchronous=FULL`) run beside the event loop instead of on it.
 * The file is plain JavaScript because a worker thread starts without the TypeScript loader;
 * its types are in sqlite-log-writer.d.mts.
 *
 * A batch must start exactly at the stored end of the log: otherwise (an earlier batch failed,
 * or another process appended) nothing is written and the refusal carries `logMoved`, so batches
 * queued behind a failed one can never leave a gap or overwrite an entry.
 *
 * Index rows arrive as name keys already computed (name-key.ts), seven numbers (or null) each:
 * index, time, agent, principal, cmd, invocation, addressee.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

/**
 * Prepares the batch transaction on `db`; `write(batch)` returns once the batch is durable, and
 * throws a LogMovedError, writing nothing, when the batch does not start at the stored end.
 *
 * @example
 * const write = createLogWriter(db);
 * write({ bundles, tiles, heads, headsAt, rows });
 */
export function createLogWriter(db) {
  const insertBundle = db.prepare("INSERT INTO log_entries (first, bundle) VALUES (?, ?)");
  const upsertTile = db.prepare(
    `INSERT INTO log_tiles (level, idx, hashes) VALUES (?, ?, ?)
     ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes`,
  );
  const upsertHead = db.prepare(
    `INSERT INTO log_heads (agent, idx, leaf_hash) VALUES (?, ?, ?)
     ON CONFLICT (agent) DO UPDATE SET idx = excluded.idx, leaf_hash = excluded.leaf_hash`,
  );
  const updateHeadsAt = db.prepare("UPDATE log_state SET heads_at = ? WHERE id = 1");
  const insertIndex = db.prepare(
    `INSERT INTO log_index (idx, time, agent, principal, cmd, invocation, addressee)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const lastBundle = db.prepare(
    "SELECT first, bundle FROM log_entries ORDER BY first DESC LIMIT 1",
  );
  // BEGIN IMMEDIATE: the write lock is taken (waiting up to busy_timeout) before the end of the
  // log is read, so another connection's commit in between cannot invalidate the read.
  return db.transaction((batch) => {
    const first = batch.bundles[0]?.first;
    if (first !== undefined && first !== storedSize(lastBundle.get())) {
      throw new LogMovedError(first);
    }
    for (const bundle of batch.bundles) insertBundle.run(bundle.first, bundle.bytes);
    for (const tile of batch.tiles) upsertTile.run(tile.level, tile.index, tile.hashes);
    for (const head of batch.heads) upsertHead.run(head.agent, head.index, head.leafHash);
    if (batch.headsAt !== undefined) updateHeadsAt.run(batch.headsAt);
    for (const row of batch.rows) insertIndex.run(row);
  }).immediate;
}

/**
 * Prepares the checkpoint write on `db`: `save(size, note)` replaces the stored checkpoint and
 * returns once it is durable.
 *
 * @example
 * createCheckpointWriter(db)(size, note);
 */
export function createCheckpointWriter(db) {
  const upsert = db.prepare(
    `INSERT INTO log_checkpoint (id, size, note) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note`,
  );
  return (size, note) => {
    upsert.run(size, note);
  };
}

/** Thrown, with nothing written, by a batch that does not start at the stored end of the log. */
export class LogMovedError extends Error {
  constructor(first) {
    super(`audit log: a batch starting at ${first} does not extend the stored log`);
    this.name = "LogMovedError";
  }
}

/** Entries stored: the last bundle's first index plus its entry count (uint16 length prefixes). */
function storedSize(row) {
  if (row === undefined) return 0;
  const bytes = row.bundle;
  let count = 0;
  for (let at = 0; at + 2 <= bytes.length; at += 2 + bytes.readUInt16BE(at)) count++;
  return row.first + count;
}

// As a worker thread (started by sqlite-log-writer-thread.ts with the database path): one connection of
// its own, one batch or checkpoint at a time in the order posted, each answered with its id once
// durable.
if (parentPort !== null && workerData?.auditLogWriter === true) {
  const db = new Database(workerData.path);
  db.pragma("synchronous = FULL");
  db.pragma(`busy_timeout = ${Number(workerData.busyTimeoutMs)}`);
  const write = createLogWriter(db);
  const saveCheckpoint = createCheckpointWriter(db);
  const port = parentPort;
  port.on("message", (message) => {
    if (message.type === "close") {
      db.close();
      port.close();
      return;
    }
    try {
      if (message.type === "checkpoint") saveCheckpoint(message.size, message.note);
      else write(message.batch);
      port.postMessage({ id: message.id });
    } catch (error) {
      port.postMessage({
        id: message.id,
        error: String(error?.message ?? error),
        logMoved: error instanceof LogMovedError,
      });
    }
  });
}
