import { type LogEntry, leafHash } from "@ants/protocol";
import type { Logger } from "pino";
import { RelayError } from "../errors/relay-error.ts";
import type { PostgresLogQueue, QueuedRow } from "../store/postgres/postgres-log-queue.ts";
import type { AuditLogStore } from "./audit-log-store.ts";
import type { AppendedEntry, QueuedEntry } from "./log-sequencer.ts";

interface HandOff {
  readonly since: number;
  resolve(appended: AppendedEntry): void;
  reject(error: unknown): void;
}

/** Largest index range read back at once; wider answers are read entry by entry. */
const MAX_READ_RANGE = 4096;

/** What {@link HandOffs} needs besides the queue. */
export interface HandOffsOptions {
  readonly log: AuditLogStore;
  /** Longest a hand-off waits for a sequencer before ERR_UNAVAILABLE, in ms. */
  readonly timeoutMs: number;
  /** Brings the instance's view of the log up to at least `index` (reads and checkpoints). */
  readonly cover: (index: number) => Promise<void>;
  readonly logger?: Logger | undefined;
}

/**
 * The submitter's side of the audit log hand-off (elected-sequencer.ts): entries an instance
 * that does not hold the sequencer lock puts in `log_queue`, and their answers once the holder
 * has made them durable. Hand-offs of one event-loop turn share one insert; answers found by one
 * poll share one range read.
 *
 * @example
 * const handOffs = new HandOffs(queue, { log, timeoutMs: 30_000, cover });
 * const { index } = await handOffs.submit(queuedEntry);
 */
export class HandOffs {
  readonly #queue: PostgresLogQueue;
  readonly #log: AuditLogStore;
  readonly #timeoutMs: number;
  readonly #cover: (index: number) => Promise<void>;
  readonly #logger: Logger | undefined;
  readonly #waiting = new Map<number, HandOff>();
  /** Hand-offs made this turn, inserted together by #send. */
  #outbox: { row: Omit<QueuedRow, "id">; handOff: HandOff }[] = [];
  #polling: Promise<void> | undefined;

  constructor(queue: PostgresLogQueue, options: HandOffsOptions) {
    this.#queue = queue;
    this.#log = options.log;
    this.#timeoutMs = options.timeoutMs;
    this.#cover = options.cover;
    this.#logger = options.logger;
  }

  /** Hand-offs waiting for their answer. */
  get pending(): number {
    return this.#waiting.size + this.#outbox.length;
  }

  /** Refuses every waiting hand-off with `error` (the relay is closing). */
  rejectAll(error: unknown): void {
    for (const handOff of this.#waiting.values()) handOff.reject(error);
    this.#waiting.clear();
  }

  /** Puts the entry in the queue for the holder; resolves once it is durable. */
  submit(entry: QueuedEntry): Promise<AppendedEntry> {
    // The entry without `prev`: the holder links it into the agent's chain and raises its time.
    const { prev: _prev, ...base } = entry.build(null, 0) as LogEntry & { prev: unknown };
    const row = {
      agent: entry.agent,
      entry: JSON.stringify(base),
      facts: JSON.stringify(entry.facts),
    };
    return new Promise((resolve, reject) => {
      this.#outbox.push({ row, handOff: { since: Date.now(), resolve, reject } });
      if (this.#outbox.length === 1) setImmediate(() => void this.#send());
    });
  }

  /** Inserts every hand-off made in the same turn with one statement. */
  async #send(): Promise<void> {
    const batch = this.#outbox.splice(0, this.#outbox.length);
    try {
      const ids = await this.#queue.enqueue(
        batch.map((item) => item.row),
        Math.floor(Date.now() / 1000),
      );
      batch.forEach((item, i) => {
        this.#waiting.set(ids[i]!, item.handOff);
      });
      void this.poll();
    } catch (error) {
      for (const item of batch) item.handOff.reject(error);
    }
  }

  /** Submitter: answers every hand-off the holder has sequenced. */
  poll(): Promise<void> {
    this.#polling ??= (async () => {
      try {
        const sequenced = await this.#queue.sequenced([...this.#waiting.keys()]);
        const found: [HandOff, number][] = [];
        for (const [id, index] of sequenced) {
          const handOff = this.#waiting.get(id);
          if (handOff === undefined) continue;
          this.#waiting.delete(id);
          found.push([handOff, index]);
        }
        if (found.length > 0) {
          await this.#answer(found);
          await this.#queue.remove([...sequenced.keys()]);
        }
        this.#expire();
      } catch (error) {
        this.#logger?.warn({ err: error }, "audit log: polling hand-offs failed");
      } finally {
        this.#polling = undefined;
      }
    })();
    return this.#polling;
  }

  /** Reads the sequenced entries back in one range and answers their submitters. */
  async #answer(found: readonly [HandOff, number][]): Promise<void> {
    const indexes = found.map(([, index]) => index);
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    try {
      const entries = new Map<number, Uint8Array>();
      if (last - first < MAX_READ_RANGE) {
        const range = await this.#log.readEntries(first, last + 1);
        range.forEach((bytes, i) => {
          entries.set(first + i, bytes);
        });
      } else {
        for (const index of indexes) {
          const [bytes] = await this.#log.readEntries(index, index + 1);
          if (bytes !== undefined) entries.set(index, bytes);
        }
      }
      // Reads and checkpoints on this instance must cover what it acknowledges.
      await this.#cover(last);
      for (const [handOff, index] of found) {
        const bytes = entries.get(index);
        if (bytes === undefined) throw new RelayError("ERR_INTERNAL", "audit log: entry missing");
        handOff.resolve({ index, leafHash: leafHash(bytes), bytes });
      }
    } catch (cause) {
      const error = new RelayError("ERR_STORE_FAILED", "audit log: entry not read back", { cause });
      for (const [handOff] of found) handOff.reject(error);
    }
  }

  #expire(): void {
    const limit = this.#timeoutMs;
    for (const [id, handOff] of this.#waiting) {
      if (Date.now() - handOff.since < limit) continue;
      this.#waiting.delete(id);
      // The row stays: a sequencer may still write it, but it was never acknowledged.
      handOff.reject(new RelayError("ERR_UNAVAILABLE", "audit log: no sequencer took the entry"));
    }
  }
}
