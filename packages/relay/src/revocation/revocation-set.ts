import type { RevocationCheck, RevocationStateItem } from "@ants/protocol";
import type {
  RevocationAppend,
  RevocationRecord,
  RevocationRepository,
} from "../store/relay-store.ts";
import { RevocationIndex, type StandaloneKind } from "./revocation-index.ts";

/** Entries read from the store per page when loading or catching up. */
const PAGE = 10_000;
/** How often the store's head is polled for entries other writers appended. */
const POLL_MS = 1000;

/**
 * The relay's revocations (DESIGN.md section 8): the append-only log in the store and the
 * in-memory {@link RevocationIndex} built from it at start. An entry is appended durably first,
 * then applied, and entries are applied strictly in sequence order: when the store hands back a
 * sequence number past the next one (another writer appended in between), the gap is read from
 * the store before anything is applied. A poll picks up what other writers append.
 *
 * @example
 * const revocations = await RevocationSet.load(store.revocations);
 * verifyChain({ ..., isRevoked: revocations.check });
 */
export class RevocationSet {
  readonly #store: RevocationRepository;
  readonly #index = new RevocationIndex();
  readonly #listeners: ((entry: RevocationRecord) => void)[] = [];
  #catchingUp: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  private constructor(store: RevocationRepository) {
    this.#store = store;
  }

  /** Loads every entry of the log, in sequence order, and starts polling for new ones. */
  static async load(
    store: RevocationRepository,
    options: { pollMs?: number; onPollError?: (error: unknown) => void } = {},
  ): Promise<RevocationSet> {
    const set = new RevocationSet(store);
    await set.catchUp();
    const pollMs = options.pollMs ?? POLL_MS;
    if (pollMs > 0) {
      set.#timer = setInterval(
        () => set.catchUp().catch(options.onPollError ?? (() => {})),
        pollMs,
      );
      set.#timer.unref();
    }
    return set;
  }

  /** The sequence number of the last entry applied. */
  get seq(): number {
    return this.#index.seq;
  }

  /**
   * Calls `listener` for each entry applied from now on, in sequence order (cache flushes, the
   * live stream). Returns a function that stops the calls.
   */
  onApply(listener: (entry: RevocationRecord) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at >= 0) this.#listeners.splice(at, 1);
    };
  }

  /** Appends a revocation durably, then applies it and everything before it: the next check sees it. */
  async revoke(entry: RevocationAppend): Promise<RevocationRecord> {
    const stored = await this.#store.append(entry);
    if (stored.seq === this.#index.seq + 1) this.#apply(stored);
    await this.catchUp();
    return stored;
  }

  /** Applies, in order, every entry the store holds beyond the last one applied. */
  catchUp(): Promise<void> {
    // A failed catch-up (store closed, disk error) must not wedge every later one.
    this.#catchingUp = this.#catchingUp
      .catch(() => undefined)
      .then(async () => {
        for (;;) {
          const entries = await this.#store.listSince(this.#index.seq, PAGE);
          for (const entry of entries) this.#apply(entry);
          if (entries.length < PAGE) return;
        }
      });
    return this.#catchingUp;
  }

  /** Entries after `since`, from the store, in order (the feed and `GET /v1/revocations`). */
  listSince(since: number, limit: number): Promise<RevocationRecord[]> {
    return this.#store.listSince(since, limit);
  }

  /** The verifyChain hook: how a token is revoked, with the entry's sequence number, or false. */
  readonly check: RevocationCheck = (query) => this.#index.check(query);

  /** The sequence number that revoked a session or a handle, or 0. */
  revokedId(kind: StandaloneKind, id: string): number {
    return this.#index.standalone(kind, id);
  }

  /** The sequence number that revoked a token, or 0. */
  revokedToken(hash: string): number {
    return this.#index.token(hash);
  }

  /** The sequence number of an issuer's epoch when it is at least `epoch`, or 0. */
  epochCovering(issuer: string, epoch: number): number {
    return this.#index.epochCovering(issuer, epoch);
  }

  /** The sequence number that refuses key `kid` for something first seen at `seenAt`, or 0. */
  revokedKey(kid: string, seenAt: number): number {
    return this.#index.keyRevoked(kid, seenAt);
  }

  /** True when a session id has been revoked. */
  isSessionRevoked(sessionId: string): boolean {
    return this.#index.standalone("session", sessionId) !== 0;
  }

  /** The compact state for a snapshot, and the sequence number it is current to. */
  state(): { seq: number; items: RevocationStateItem[] } {
    return { seq: this.#index.seq, items: this.#index.items() };
  }

  /** Number of revoked ids and the bytes their tables hold. */
  stats(): { ids: number; tableBytes: number } {
    return this.#index.stats();
  }

  /** Stops polling; waits for a catch-up in flight. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#catchingUp.catch(() => undefined);
  }

  #apply(entry: RevocationRecord): void {
    if (entry.seq <= this.#index.seq) return;
    this.#index.apply(entry);
    for (const listener of [...this.#listeners]) listener(entry);
  }
}
