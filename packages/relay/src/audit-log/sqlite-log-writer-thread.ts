import { Worker } from "node:worker_threads";
import type { Database } from "better-sqlite3";
import { RelayError } from "../errors/relay-error.ts";
import type { LogBatch } from "./audit-log-store.ts";
import { LOG_MOVED } from "./log-sequencer.ts";
import { nameKey, nameKeyOrNull } from "./name-key.ts";
import {
  createCheckpointWriter,
  createLogWriter,
  LogMovedError,
  type WriterBatch,
} from "./sqlite-log-writer.mjs";

/** How long a batch waits for another connection's write lock before it fails. */
const BUSY_TIMEOUT_MS = 5000;

/** Where the SQLite log store sends its writes. */
export interface LogWriter {
  write(batch: WriterBatch): Promise<void>;
  saveCheckpoint(size: number, note: string): Promise<void>;
  close(): Promise<void>;
}

/** The batch as the writer takes it: index rows as name keys, computed here. */
export function writerBatch(batch: LogBatch): WriterBatch {
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

/**
 * Writes on the caller's own connection: for an in-memory database, which no second connection
 * can open.
 *
 * @example
 * const writer = inThreadWriter(db);
 */
export function inThreadWriter(db: Database): LogWriter {
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
export class WriterThread implements LogWriter {
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
