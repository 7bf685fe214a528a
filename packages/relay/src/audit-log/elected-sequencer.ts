import type { LogEntry } from "@ants/protocol";
import pg from "pg";
import type { Logger } from "pino";
import { RelayError } from "../errors/relay-error.ts";
import {
  createPostgresLogQueue,
  type PostgresLogQueue,
  type QueuedRow,
} from "../store/postgres/postgres-log-queue.ts";
import type { AuditLogStore } from "./audit-log-store.ts";
import { HandOffs } from "./hand-offs.ts";
import {
  type AppendedEntry,
  LogSequencer,
  type QueuedEntry,
  type SequencerOptions,
  type SequencerState,
} from "./log-sequencer.ts";
import { restoreSequencerState } from "./restore-sequencer-state.ts";

/** The PostgreSQL store an elected sequencer runs on. */
export interface ElectionStore {
  readonly pool: pg.Pool;
  /** Connection string and schema, for the dedicated lock connection. */
  readonly url: string;
  readonly schema: string;
  readonly log: AuditLogStore;
}

/** Timings of the election and hand-off, in ms (defaults suit loopback and a LAN). */
export interface ElectionOptions {
  /** How often an instance without the lock tries to take it. Default 250. */
  readonly electEveryMs?: number;
  /** How often a submitter polls its hand-offs besides NOTIFY. Default 25. */
  readonly pollEveryMs?: number;
  /** Longest a handed-off entry waits for a sequencer before ERR_UNAVAILABLE. Default 30000. */
  readonly handOffTimeoutMs?: number;
}

/** How often an instance that is not the sequencer brings its view of the log up to date. */
const VIEW_REFRESH_MS = 1000;

/** How often the holder looks for waiting rows besides the NOTIFY that announces them. */
const DRAIN_POLL_MS = 250;

/** Sequenced rows nobody read back are deleted this long after they were queued, in seconds. */
const STALE_ROW_SECONDS = 300;

/** Waiting rows the holder takes at a time. */
const DRAIN_BATCH = 512;

/**
 * One audit sequencer for several relay instances on one PostgreSQL store (DESIGN.md section 11,
 * docs/operations.md). Each instance tries `pg_try_advisory_lock` on a dedicated connection; the
 * holder runs the only LogSequencer that writes. Every other instance hands its entries over
 * through the `log_queue` table and waits until the holder's batch, which marks the row in its own
 * transaction, is durable; then it reads its entry back and answers. When the holder's connection
 * dies, PostgreSQL releases the lock and the next instance to take it restores the sequencer state
 * from the store (the log never forks: a batch must still start at the stored end) and sequences
 * every row still waiting, so no acknowledged entry is lost and none is written twice.
 *
 * @example
 * const sequencer = await ElectedSequencer.start(store, state, { flushIntervalMs: 0 });
 * const { index } = await sequencer.append(queuedEntry);
 */
export class ElectedSequencer {
  readonly #store: ElectionStore;
  readonly #queue: PostgresLogQueue;
  readonly #options: SequencerOptions & ElectionOptions;
  readonly #log: Logger | undefined;
  readonly #handOffs: HandOffs;
  #view: SequencerState;
  #holder: LogSequencer | undefined;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Holder: rows given to the sequencer and not settled yet, and rows it refused. */
  readonly #inHand = new Set<number>();
  readonly #refused = new Set<number>();
  #draining: Promise<void> | undefined;
  #refreshing: Promise<void> | undefined;
  #notifyQueued = false;
  #electedAt = 0;
  #drainedAt = 0;
  #sweptAt = Date.now();
  #refreshedAt = 0;
  #electing = false;
  #closed = false;

  private constructor(
    store: ElectionStore,
    state: SequencerState,
    options: SequencerOptions & ElectionOptions,
    log: Logger | undefined,
  ) {
    this.#store = store;
    this.#queue = createPostgresLogQueue(store.pool, store.schema);
    this.#view = state;
    this.#options = options;
    this.#log = log;
    this.#handOffs = new HandOffs(this.#queue, {
      log: store.log,
      timeoutMs: options.handOffTimeoutMs ?? 30_000,
      cover: (index) => this.#cover(index),
      logger: log,
    });
  }

  /** Creates the hand-off table if needed, tries for the lock once, and keeps trying. */
  static async start(
    store: ElectionStore,
    state: SequencerState,
    options: SequencerOptions & ElectionOptions = {},
    log?: Logger,
  ): Promise<ElectedSequencer> {
    const sequencer = new ElectedSequencer(store, state, options, log);
    await sequencer.#queue.ensureTable();
    await sequencer.#elect();
    const every = Math.min(options.electEveryMs ?? 250, options.pollEveryMs ?? 25);
    sequencer.#timer = setInterval(() => sequencer.#tick(), every);
    sequencer.#timer.unref();
    return sequencer;
  }

  /** True while this instance holds the sequencer lock. */
  get isHolder(): boolean {
    return this.#holder !== undefined;
  }

  /** Entries durably written, as this instance last saw the log. */
  get size(): number {
    return this.state.frontier.size;
  }

  /** The committed tree state this instance serves reads and checkpoints from. */
  get state(): SequencerState {
    return this.#holder?.state ?? this.#view;
  }

  /** Sequences the entry here (holder) or hands it to the holder; resolves once durable. */
  append(entry: QueuedEntry): Promise<AppendedEntry> {
    if (this.#closed) {
      return Promise.reject(new RelayError("ERR_UNAVAILABLE", "audit log: closed"));
    }
    if (this.#holder !== undefined) return this.#holder.append(entry);
    return this.#handOffs.submit(entry);
  }

  /** Writes what this instance holds, gives the lock up, and refuses new entries. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#holder?.close();
    this.#handOffs.rejectAll(
      new RelayError("ERR_UNAVAILABLE", "audit log: closed before sequenced"),
    );
    await this.#client?.end().catch(() => undefined);
  }

  #tick(): void {
    if (this.#closed) return;
    const now = Date.now();
    if (
      this.#holder === undefined &&
      now - this.#electedAt >= (this.#options.electEveryMs ?? 250)
    ) {
      this.#electedAt = now;
      void this.#elect();
    }
    // NOTIFY wakes the holder at once; this poll only covers a notification lost on the way.
    if (this.#holder !== undefined && now - this.#drainedAt >= DRAIN_POLL_MS) {
      this.#drainedAt = now;
      void this.#drain();
    }
    if (this.#holder !== undefined && now - this.#sweptAt >= STALE_ROW_SECONDS * 1000) {
      this.#sweptAt = now;
      this.#queue.removeStale(Math.floor(now / 1000) - STALE_ROW_SECONDS).catch(() => undefined);
    }
    if (this.#handOffs.pending > 0) void this.#handOffs.poll();
    // Reads and checkpoints follow the log written by the holder about once a second.
    if (this.#holder === undefined && now - this.#refreshedAt >= VIEW_REFRESH_MS) {
      this.#refreshedAt = now;
      void this.#refresh();
    }
  }

  /** Takes the lock when free, then becomes the one sequencer. */
  async #elect(): Promise<void> {
    if (this.#electing || this.#closed || this.#holder !== undefined) return;
    this.#electing = true;
    try {
      const client = this.#client ?? (await this.#connect());
      const { rows } = await client.query<{ held: boolean }>(
        "SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS held",
        [`ants:log-sequencer:${this.#store.schema}`],
      );
      if (rows[0]?.held !== true || this.#closed) return;
      await client.query(`LISTEN ${this.#queue.channels.queued}`);
      // Whatever the previous holder wrote is in the store: continue from there, never fork.
      const reload = async () => (await restoreSequencerState(this.#store.log)).state;
      this.#holder = new LogSequencer(this.#store.log, await reload(), this.#options, reload);
      this.#inHand.clear();
      this.#refused.clear();
      this.#log?.info({ size: this.#holder.size }, "audit log: this instance is the sequencer");
      await this.#drain();
    } catch (error) {
      this.#log?.warn({ err: error }, "audit log: sequencer election failed");
      this.#lost();
    } finally {
      this.#electing = false;
    }
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#store.url,
      options: `-c search_path=${this.#store.schema}`,
      connectionTimeoutMillis: 5000,
    });
    client.on("error", () => this.#lost(client));
    client.on("end", () => this.#lost(client));
    client.on("notification", (message) => {
      if (message.channel === this.#queue.channels.queued) void this.#drain();
      else void this.#handOffs.poll();
    });
    await client.connect();
    await client.query(`LISTEN ${this.#queue.channels.sequenced}`);
    this.#client = client;
    return client;
  }

  /** The lock connection is gone, so the lock is too: stop sequencing, elect again later. */
  #lost(client?: pg.Client): void {
    if (client !== undefined && client !== this.#client) return;
    const lost = this.#client;
    this.#client = undefined;
    void lost?.end().catch(() => undefined);
    const holder = this.#holder;
    if (holder === undefined) return;
    this.#holder = undefined;
    this.#view = holder.state;
    this.#log?.warn("audit log: lost the sequencer lock");
    // Batches already staged still either commit at the stored end or are refused whole.
    void holder.close().catch(() => undefined);
  }

  /** Holder: sequences every waiting row not yet taken, oldest first. */
  #drain(): Promise<void> {
    this.#draining ??= (async () => {
      try {
        for (;;) {
          const holder = this.#holder;
          if (holder === undefined) return;
          const skip = [...this.#inHand, ...this.#refused];
          const rows = await this.#queue.waiting(skip, DRAIN_BATCH);
          for (const row of rows) {
            this.#inHand.add(row.id);
            holder.append(queuedFromRow(row)).then(
              () => {
                this.#inHand.delete(row.id);
                this.#announce();
              },
              (error) => {
                // Not retried by this holder; its submitter times out with ERR_UNAVAILABLE.
                this.#inHand.delete(row.id);
                this.#refused.add(row.id);
                this.#log?.error({ err: error }, "audit log: handed-off entry refused");
              },
            );
          }
          if (rows.length < DRAIN_BATCH) return;
        }
      } catch (error) {
        this.#log?.error({ err: error }, "audit log: reading the hand-off table failed");
      } finally {
        this.#draining = undefined;
      }
    })();
    return this.#draining;
  }

  /** Holder: one NOTIFY for every hand-off made durable in the same turn. */
  #announce(): void {
    if (this.#notifyQueued) return;
    this.#notifyQueued = true;
    setImmediate(() => {
      this.#notifyQueued = false;
      this.#queue.notifySequenced().catch(() => undefined);
    });
  }

  /** Brings this instance's view up to at least `index`, unless it holds the lock. */
  async #cover(index: number): Promise<void> {
    if (this.size > index) return;
    // A refresh already running may have read the store before the entry was committed.
    await this.#refreshing;
    await this.#refresh();
  }

  /** Non-holder: brings the view of the log up to the store's. */
  #refresh(): Promise<void> {
    this.#refreshing ??= restoreSequencerState(this.#store.log)
      .then(({ state }) => {
        if (this.#holder === undefined && state.frontier.size > this.#view.frontier.size) {
          this.#view = state;
        }
      })
      .catch((error) => this.#log?.warn({ err: error }, "audit log: refreshing the view failed"))
      .finally(() => {
        this.#refreshing = undefined;
      });
    return this.#refreshing;
  }
}

/** A waiting row as an entry the holder's sequencer can place. */
function queuedFromRow(row: QueuedRow): QueuedEntry {
  const base = JSON.parse(row.entry) as LogEntry;
  return {
    agent: row.agent,
    build: (prev, minTime) => ({ ...base, time: Math.max(base.time, minTime), prev }) as LogEntry,
    facts: { ...JSON.parse(row.facts), queueId: row.id },
  };
}
