import { RelayError } from "../errors/relay-error.ts";
import type { AuditLogStore } from "./audit-log-store.ts";
import {
  type PlacedEntry,
  type QueuedEntry,
  type SequencerState,
  type StageBase,
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
  /**
   * Longest an entry waits for its batch to start while no batch is being written, in ms.
   * Default 0: the batch starts as soon as the event loop has taken the I/O at hand, so the
   * requests that arrived together share it. While a batch is being written, entries queue and
   * form the next batch, which starts the moment the previous one is durable.
   */
  readonly flushIntervalMs?: number;
  /** Largest batch; a full batch is started at once. Default 512. */
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
 * Batches being written at once with an ordered store (AuditLogStore.ordered): a full batch is
 * staged and sent while the previous one is still being written, so staging (encoding, hashing)
 * overlaps the write. Only a full queue starts the second one; otherwise the next batch gathers
 * entries until the one in flight is durable.
 */
const ORDERED_DEPTH = 2;

/**
 * The `details` flag a shared store sets on the error of a batch that did not start at the end of
 * the stored log: another instance appended first (or an earlier batch failed), and nothing of the
 * batch was written.
 */
export const LOG_MOVED = "logMoved";

function isLogMoved(error: unknown): boolean {
  return error instanceof RelayError && error.details?.[LOG_MOVED] === true;
}

interface Waiter {
  readonly entry: QueuedEntry;
  /** Times its batch was sent to the store. */
  attempts: number;
  resolve(appended: AppendedEntry): void;
  reject(error: unknown): void;
}

/** A batch sent to the store, and its outcome once known. */
interface InFlight {
  readonly staged: StagedBatch<Waiter>;
  readonly writeHeads: boolean;
  outcome: { readonly error: unknown } | "durable" | undefined;
}

/**
 * Sequences audit entries by group commit: entries queue in memory and are written in batches,
 * each in one transaction that is durable (`synchronous=FULL`) before any of its entries is
 * acknowledged. Indexes are dense and in queue order; each entry's `prev` names the same agent's
 * previous entry. The tree (frontier and tiles) advances in the same transaction, so stored
 * hashes always match stored entries and a restart resumes exactly where the last commit ended.
 *
 * No timer paces the batches: the first batch starts once the event loop is idle, and each next
 * one when the previous is durable, taking everything queued meanwhile (at most `maxBatch`).
 * With an ordered store a full batch may be sent behind the one being written; batches commit
 * in order, and a failure reaches every batch sent after it: the failed batch's callers get
 * ERR_STORE_FAILED (or, on LOG_MOVED with `reload`, are restaged on the stored log), the later
 * batches, which the store refused whole, are restaged behind them. Nothing is acknowledged
 * before it is durable, and nothing acknowledged is ever rewritten.
 *
 * @example
 * const sequencer = new LogSequencer(store, state);
 * const { index, leafHash } = await sequencer.append(queuedEntry);
 */
export class LogSequencer {
  readonly #store: AuditLogStore;
  readonly #flushIntervalMs: number;
  readonly #maxBatch: number;
  readonly #headsIntervalMs: number;
  readonly #depth: number;
  #headsWrittenAt = 0;
  #state: SequencerState;
  #queue: Waiter[] = [];
  readonly #inFlight: InFlight[] = [];
  /** After a failure: waiters to restage, in order, once every batch in flight has settled. */
  #requeue: Waiter[] = [];
  #failed = false;
  #reloadNeeded = false;
  #reloading = false;
  #scheduled = false;
  #timer: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
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
    this.#flushIntervalMs = options.flushIntervalMs ?? 0;
    this.#maxBatch = options.maxBatch ?? 512;
    this.#headsIntervalMs = options.headsIntervalMs ?? 1000;
    this.#depth = store.ordered === true ? ORDERED_DEPTH : 1;
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
      this.#queue.push({ entry, attempts: 0, resolve, reject });
      this.#schedule();
    });
  }

  /** Writes everything queued, then refuses new entries. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#pump();
    while (this.#busy()) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #busy(): boolean {
    return this.#queue.length > 0 || this.#inFlight.length > 0 || this.#failed || this.#reloading;
  }

  #schedule(): void {
    if (this.#failed || this.#reloading) return;
    if (this.#inFlight.length > 0 || this.#queue.length >= this.#maxBatch) {
      this.#pump();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    const start = () => {
      this.#scheduled = false;
      this.#timer = undefined;
      this.#pump();
    };
    if (this.#flushIntervalMs > 0) this.#timer = setTimeout(start, this.#flushIntervalMs);
    else setImmediate(start);
  }

  /** Sends batches while the store may take one: the first at once, a second only when full. */
  #pump(): void {
    while (
      !this.#failed &&
      !this.#reloading &&
      this.#queue.length > 0 &&
      (this.#inFlight.length === 0 ||
        (this.#inFlight.length < this.#depth && this.#queue.length >= this.#maxBatch))
    ) {
      this.#send(this.#queue.splice(0, this.#maxBatch));
    }
    if (!this.#busy()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #send(waiters: Waiter[]): void {
    // The heads written include those of the batches in flight, which commit before this one.
    const writeHeads = Date.now() - this.#headsWrittenAt >= this.#headsIntervalMs;
    const staged = stageBatch(
      this.#base(),
      waiters,
      (waiter) => waiter.entry,
      (waiter, error) => waiter.reject(error),
      writeHeads,
    );
    if (staged.placed.length === 0) return;
    const flight: InFlight = { staged, writeHeads, outcome: undefined };
    this.#inFlight.push(flight);
    for (const { waiter } of staged.placed) waiter.attempts++;
    const settle = (outcome: InFlight["outcome"]) => {
      flight.outcome = outcome;
      this.#settle();
    };
    this.#store.appendBatch(staged.batch).then(
      () => settle("durable"),
      (error: unknown) => settle({ error }),
    );
  }

  /** The state the next batch is placed on: the committed one and every batch in flight. */
  #base(): StageBase {
    const state = this.#state;
    const last = this.#inFlight.at(-1)?.staged;
    if (last === undefined) {
      return {
        frontier: state.frontier,
        edge: state.edge,
        lastTime: state.lastTime,
        dirtyHeads: () => state.dirtyHeads,
        headOf: (agent) => state.heads.get(agent),
      };
    }
    const inFlight = this.#inFlight.map((flight) => flight.staged.heads);
    return {
      frontier: last.frontier,
      edge: last.edge,
      lastTime: last.lastTime,
      dirtyHeads: () => new Map([...state.dirtyHeads, ...inFlight.flatMap((heads) => [...heads])]),
      headOf: (agent) => {
        for (let i = inFlight.length - 1; i >= 0; i--) {
          const head = inFlight[i]!.get(agent);
          if (head !== undefined) return head;
        }
        return state.heads.get(agent);
      },
    };
  }

  /** Takes the outcomes of the batches in flight, in the order they were sent. */
  #settle(): void {
    while (this.#inFlight[0]?.outcome !== undefined) {
      const flight = this.#inFlight.shift()!;
      const outcome = flight.outcome!;
      const placed = flight.staged.placed;
      if (outcome === "durable") {
        // Behind a failure an ordered store writes nothing; should one have, the stored log is
        // the truth and the state is read back from it.
        if (this.#failed) this.#reloadNeeded = true;
        else this.#commit(flight.staged, flight.writeHeads);
        for (const { waiter, index, leafHash, bytes } of placed) {
          waiter.resolve({ index, leafHash, bytes });
        }
      } else if (this.#failed) {
        // Sent behind the failed batch and refused whole with it: placed again after it.
        for (const { waiter } of placed) this.#requeue.push(waiter);
      } else {
        this.#failed = true;
        this.#fail(placed, outcome.error);
      }
    }
    if (this.#failed && this.#inFlight.length === 0) this.#recover();
    else this.#pump();
  }

  /**
   * The first failed batch: it was rolled back whole, so nothing of it is visible. A lost race
   * is not a failure: its entries are restaged on the log as stored (new indexes and prev
   * links), at most MAX_ATTEMPTS times. Any other failure drops the batch.
   */
  #fail(placed: readonly PlacedEntry<Waiter>[], cause: unknown): void {
    const retry = this.#reload !== undefined && isLogMoved(cause);
    if (retry) this.#reloadNeeded = true;
    const error = new RelayError("ERR_STORE_FAILED", "audit log: batch not written", { cause });
    for (const { waiter } of placed) {
      if (retry && waiter.attempts < MAX_ATTEMPTS) this.#requeue.push(waiter);
      else waiter.reject(error);
    }
  }

  /** Once every batch sent has settled after a failure: restage what is left, in order. */
  #recover(): void {
    this.#failed = false;
    this.#queue = this.#requeue.concat(this.#queue);
    this.#requeue = [];
    if (!this.#reloadNeeded || this.#reload === undefined) {
      this.#reloadNeeded = false;
      this.#pump();
      return;
    }
    this.#reloadNeeded = false;
    this.#reloading = true;
    this.#reload()
      .then(
        (state) => {
          this.#state = state;
        },
        () => {},
      )
      .finally(() => {
        this.#reloading = false;
        this.#pump();
      });
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
