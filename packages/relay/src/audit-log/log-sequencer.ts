import { RelayError } from "../errors/relay-error.ts";
import type { AuditLogStore } from "./audit-log-store.ts";
import {
  type QueuedEntry,
  type SequencerState,
  type StagedBatch,
  stageBatch,
} from "./stage-batch.ts";

export type { QueuedEntry, SequencerState } from "./stage-batch.ts";

/** Where an appended entry landed, once durable. */
export interface AppendedEntry {
  readonly index: number;
  readonly leafHash: Uint8Array;
  readonly bytes: Uint8Array;
}

/** Group commit settings. */
export interface SequencerOptions {
  /** Longest an entry waits for its batch to be written, in ms. Default 2. */
  readonly flushIntervalMs?: number;
  /** Largest batch; a full batch is written at once. Default 512. */
  readonly maxBatch?: number;
  /**
   * How often the stored agent heads are brought up to date, in ms. Default 1000. Between two
   * writes, a restart replays the entries written since (at most this long of traffic), so an
   * agent that acts many times a second costs one head write per interval, not one per entry.
   */
  readonly headsIntervalMs?: number;
}

/** Batches retried after losing the race to another instance, at most. */
const MAX_ATTEMPTS = 8;

/**
 * The `details` flag a shared store sets on the error of a batch that did not start at the end of
 * the stored log: another instance appended first, and nothing of the batch was written.
 */
export const LOG_MOVED = "logMoved";

function isLogMoved(error: unknown): boolean {
  return error instanceof RelayError && error.details?.[LOG_MOVED] === true;
}

interface Waiter {
  readonly entry: QueuedEntry;
  resolve(appended: AppendedEntry): void;
  reject(error: unknown): void;
}

/**
 * Sequences audit entries by group commit: entries queue in memory and are written in batches,
 * each in one transaction that is durable (`synchronous=FULL`) before any of its entries is
 * acknowledged. Indexes are dense and in queue order; each entry's `prev` names the same agent's
 * previous entry. The tree (frontier and tiles) advances in the same transaction, so stored
 * hashes always match stored entries and a restart resumes exactly where the last commit ended.
 * better-sqlite3 writes synchronously, so a batch's fsync holds the event loop; requests that
 * arrive meanwhile queue in the socket and form the next batch.
 * A batch whose transaction fails is dropped whole and its callers get ERR_STORE_FAILED.
 *
 * @example
 * const sequencer = new LogSequencer(store, state, { flushIntervalMs: 2 });
 * const { index, leafHash } = await sequencer.append(queuedEntry);
 */
export class LogSequencer {
  readonly #store: AuditLogStore;
  readonly #flushIntervalMs: number;
  readonly #maxBatch: number;
  readonly #headsIntervalMs: number;
  #headsWrittenAt = 0;
  #state: SequencerState;
  #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;
  readonly #reload: (() => Promise<SequencerState>) | undefined;

  /**
   * `reload`, for a store shared by several relays: rebuilds the state from the store when a
   * batch finds the log moved on (another instance appended first, see LOG_MOVED).
   */
  constructor(
    store: AuditLogStore,
    state: SequencerState,
    options: SequencerOptions = {},
    reload?: () => Promise<SequencerState>,
  ) {
    this.#store = store;
    this.#reload = reload;
    this.#state = state;
    this.#flushIntervalMs = options.flushIntervalMs ?? 2;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#headsIntervalMs = options.headsIntervalMs ?? 1000;
    this.#headsWrittenAt = Date.now();
  }

  /** Entries durably written so far. */
  get size(): number {
    return this.#state.frontier.size;
  }

  /** The committed tree state (read-only use: proofs, checkpoints). */
  get state(): SequencerState {
    return this.#state;
  }

  /** Queues an entry; resolves once its batch is durable. */
  append(entry: QueuedEntry): Promise<AppendedEntry> {
    if (this.#closed) {
      return Promise.reject(new RelayError("ERR_UNAVAILABLE", "audit log: closed"));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#schedule();
    });
  }

  /** Writes everything queued, then refuses new entries. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    while (this.#queue.length > 0 || this.#flushing !== undefined) await this.#flush();
  }

  #schedule(): void {
    if (this.#flushing !== undefined) return;
    if (this.#queue.length >= this.#maxBatch) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#flush();
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        void this.#flush();
      }, this.#flushIntervalMs);
    }
  }

  async #flush(): Promise<void> {
    if (this.#flushing !== undefined) return this.#flushing;
    const waiters = this.#queue.splice(0, this.#maxBatch);
    if (waiters.length === 0) return;
    this.#flushing = this.#write(waiters).finally(() => {
      this.#flushing = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
    return this.#flushing;
  }

  async #write(waiters: Waiter[]): Promise<void> {
    const writeHeads = Date.now() - this.#headsWrittenAt >= this.#headsIntervalMs;
    let staged = this.#stage(waiters, writeHeads);
    for (let attempt = 1; staged.placed.length > 0; attempt++) {
      try {
        await this.#store.appendBatch(staged.batch);
        break;
      } catch (cause) {
        // The batch was rolled back whole, so nothing of it is visible: restage it on the log as
        // stored (new indexes and prev links) and try again; a lost race is not a failure.
        if (this.#reload !== undefined && isLogMoved(cause) && attempt < MAX_ATTEMPTS) {
          const retry = staged.placed.map((placed) => placed.waiter);
          this.#state = await this.#reload().catch(() => this.#state);
          staged = this.#stage(retry, writeHeads);
          continue;
        }
        const error = new RelayError("ERR_STORE_FAILED", "audit log: batch not written", { cause });
        for (const { waiter } of staged.placed) waiter.reject(error);
        return;
      }
    }
    if (staged.placed.length === 0) return;
    this.#commit(staged, writeHeads);
    for (const { waiter, index, leafHash, bytes } of staged.placed) {
      waiter.resolve({ index, leafHash, bytes });
    }
  }

  #stage(waiters: Waiter[], writeHeads: boolean): StagedBatch<Waiter> {
    return stageBatch(
      this.#state,
      waiters,
      (waiter) => waiter.entry,
      (waiter, error) => waiter.reject(error),
      writeHeads,
    );
  }

  #commit(staged: StagedBatch<Waiter>, wroteHeads: boolean): void {
    const { heads, dirtyHeads } = this.#state;
    for (const [agent, head] of staged.heads) heads.set(agent, head);
    if (wroteHeads) {
      dirtyHeads.clear();
      this.#headsWrittenAt = Date.now();
    } else {
      for (const [agent, head] of staged.heads) dirtyHeads.set(agent, head);
    }
    this.#state = {
      frontier: staged.frontier,
      edge: staged.edge,
      heads,
      dirtyHeads,
      headsAt: wroteHeads ? staged.frontier.size : this.#state.headsAt,
      lastTime: staged.lastTime,
    };
  }
}
