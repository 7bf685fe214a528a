import pg from "pg";
import { RelayError } from "../errors/relay-error.ts";
import { revocationChannel } from "../store/postgres/postgres-revocations.ts";
import type { PostgresRelayStore } from "../store/postgres/postgres-store.ts";
import type { RevocationSet } from "./revocation-set.ts";

/** How long an instance may go without confirming it is current before it fails closed. */
export const DEFAULT_STALE_AFTER_MS = 2000;
/** Longest wait between two attempts to re-open the LISTEN connection. */
const MAX_RECONNECT_MS = 1000;

/** Options for {@link RevocationFanout.start}. */
export interface RevocationFanoutOptions {
  store: PostgresRelayStore;
  revocations: RevocationSet;
  /** The bound: past it without a confirmation, every decision is refused. Default 2000 ms. */
  staleAfterMs?: number;
  /** How often the head sequence is polled; default a quarter of the bound. */
  heartbeatMs?: number;
  /** A monotonic clock in ms; default `performance.now`. */
  clock?: () => number;
  onError?: (error: unknown) => void;
}

/**
 * Revocation fan-out between relay instances sharing a PostgreSQL store (DESIGN.md section 11).
 * The writer's transaction sends NOTIFY (postgres-revocations.ts); here each instance LISTENs and
 * catches up on every notification, so an entry reaches it one round trip after commit. Entries
 * are applied by RevocationSet, strictly in sequence order, reading any gap from the log.
 *
 * Notifications are a fast path, never relied on: they are lost while the LISTEN connection is
 * down. So the instance also polls the head sequence as a heartbeat; a poll that finds the head
 * at or below what it applied (after catching up) confirms it was current when the poll started.
 * A quiet period is therefore not staleness, while a store it cannot reach is: when the last
 * confirmation is older than the bound, {@link assertCurrent} refuses with ERR_REVOCATION_STALE
 * until a later poll succeeds. A relay that cannot prove it knows every revocation must not
 * allow anything (fail closed).
 *
 * @example
 * const fanout = await RevocationFanout.start({ store, revocations });
 * fanout.assertCurrent(); // throws ERR_REVOCATION_STALE when stale
 */
export class RevocationFanout {
  readonly #options: Required<Omit<RevocationFanoutOptions, "onError">> & {
    onError: (error: unknown) => void;
  };
  #confirmedAt: number;
  #listener: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #reconnectMs = 50;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #closed = false;

  private constructor(options: RevocationFanoutOptions) {
    const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    if (!Number.isSafeInteger(staleAfterMs) || staleAfterMs < 100) {
      throw new RelayError("ERR_CONFIG_INVALID", "revocation bound: expected at least 100 ms");
    }
    this.#options = {
      store: options.store,
      revocations: options.revocations,
      staleAfterMs,
      heartbeatMs: options.heartbeatMs ?? Math.max(25, Math.floor(staleAfterMs / 4)),
      clock: options.clock ?? (() => performance.now()),
      onError: options.onError ?? (() => {}),
    };
    this.#confirmedAt = Number.NEGATIVE_INFINITY;
  }

  /** Starts listening and polling; resolves once the first poll confirmed the instance current. */
  static async start(options: RevocationFanoutOptions): Promise<RevocationFanout> {
    const fanout = new RevocationFanout(options);
    await fanout.#listen().catch((error) => fanout.#lost(error));
    await fanout.poll();
    fanout.#timer = setInterval(() => void fanout.poll(), fanout.#options.heartbeatMs);
    fanout.#timer.unref();
    return fanout;
  }

  /** True when the last confirmation is within the bound. */
  isCurrent(): boolean {
    return this.#options.clock() - this.#confirmedAt <= this.#options.staleAfterMs;
  }

  /** Milliseconds since the instance last confirmed it was current. */
  sinceConfirmedMs(): number {
    return this.#options.clock() - this.#confirmedAt;
  }

  /** Throws ERR_REVOCATION_STALE (503) unless the instance confirmed it is current within the bound. */
  assertCurrent(): void {
    if (this.isCurrent()) return;
    throw new RelayError(
      "ERR_REVOCATION_STALE",
      "revocations: this instance cannot confirm it is current with the store",
      { details: { boundMs: this.#options.staleAfterMs } },
    );
  }

  /**
   * One heartbeat: read the head, catch up to it, and record the confirmation. Never throws. A
   * call while one runs waits for a fresh one after it (at most one queued), so its caller learns
   * about the store as of its own call.
   */
  poll(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    if (this.#running !== undefined) {
      this.#queued = this.#running.then(() => {
        this.#queued = undefined;
        return this.poll();
      });
      return this.#queued;
    }
    this.#running = this.#pollOnce().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pollOnce(): Promise<void> {
    if (this.#closed) return;
    const started = this.#options.clock();
    try {
      const head = await this.#options.store.revocations.head();
      if (head > this.#options.revocations.seq) await this.#options.revocations.catchUp();
      if (this.#options.revocations.seq >= head) {
        this.#confirmedAt = Math.max(this.#confirmedAt, started);
      }
    } catch (error) {
      this.#options.onError(error);
    }
  }

  /** Stops listening and polling. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    clearTimeout(this.#reconnect);
    await this.#listener?.end().catch(() => undefined);
  }

  async #listen(): Promise<void> {
    const { store } = this.#options;
    const client = new pg.Client({
      connectionString: store.url,
      options: `-c search_path=${store.schema}`,
      connectionTimeoutMillis: 5000,
    });
    this.#listener = client;
    client.on("error", (error) => this.#lost(error));
    client.on("end", () => this.#lost(undefined));
    client.on("notification", () => {
      const started = this.#options.clock();
      this.#options.revocations.catchUp().then(
        () => {
          // A catch-up reads everything committed when it ran, so it confirms currency too.
          this.#confirmedAt = Math.max(this.#confirmedAt, started);
        },
        (error) => this.#options.onError(error),
      );
    });
    await client.connect();
    await client.query(`LISTEN ${revocationChannel(store.schema)}`);
    this.#reconnectMs = 50;
    // Whatever was notified while the connection was down is read now, by sequence number.
    void this.poll();
  }

  #lost(error: unknown): void {
    if (this.#closed || this.#reconnect !== undefined) return;
    if (error !== undefined) this.#options.onError(error);
    const listener = this.#listener;
    this.#listener = undefined;
    listener?.removeAllListeners();
    listener?.on("error", () => {});
    void listener?.end().catch(() => undefined);
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      this.#listen().catch((failure) => this.#lost(failure));
    }, this.#reconnectMs);
    this.#reconnect.unref();
    this.#reconnectMs = Math.min(MAX_RECONNECT_MS, this.#reconnectMs * 2);
  }
}
