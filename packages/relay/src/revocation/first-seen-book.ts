import type { VerifiedLink } from "@ants/protocol";
import type { FirstSeenRecord, FirstSeenRepository } from "../store/first-seen-repository.ts";

/** Sightings written per transaction, and the longest a sighting waits for its batch. */
const BATCH = 512;
const BATCH_DELAY_MS = 50;
/** Rows read per page at start. */
const PAGE = 10_000;

/**
 * When the relay first saw each delegation (docs/spec/revocation.md 3.2): a token's own `iat`
 * proves nothing, so key compromise and issuer epochs are judged by this time. Sightings are kept
 * in memory until the token expires (an expired token never verifies again, so its row is of no
 * further use), answered synchronously for verifyChain's `firstSeen` hook, and written to the
 * store in batches off the request path.
 *
 * A sighting lost in a crash before its batch was written errs on the safe side: the token counts
 * as never seen, which a compromise or an epoch refuses, never admits.
 *
 * @example
 * const book = await FirstSeenBook.load(store.firstSeen, now);
 * verifyChain({ ..., firstSeen: book.lookup });
 * book.recordLinks(result.links, now);
 */
export class FirstSeenBook {
  readonly #store: FirstSeenRepository;
  readonly #seen = new Map<string, FirstSeenRecord>();
  #queue: FirstSeenRecord[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #onError: (error: unknown) => void;

  private constructor(store: FirstSeenRepository, onError: (error: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Loads the sightings of tokens not yet expired at `now`. */
  static async load(
    store: FirstSeenRepository,
    now: number,
    onError: (error: unknown) => void = () => undefined,
  ): Promise<FirstSeenBook> {
    const book = new FirstSeenBook(store, onError);
    for (let after = ""; ; ) {
      const rows = await store.listLive(now, after, PAGE);
      for (const row of rows) book.#seen.set(row.hash, row);
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.hash;
    }
    return book;
  }

  /** verifyChain's hook: when the relay first saw a token, or undefined. */
  readonly lookup = (hash: string): number | undefined => this.#seen.get(hash)?.seenAt;

  /** The sighting of a token (issuer, principal, key, parent), from memory, else the store. */
  async get(hash: string): Promise<FirstSeenRecord | undefined> {
    return this.#seen.get(hash) ?? (await this.#store.get(hash));
  }

  /** Records the links of a verified chain that were not seen before, at `now`. */
  recordLinks(links: readonly VerifiedLink[], now: number): void {
    for (const link of links) {
      if (this.#seen.has(link.hash)) continue;
      this.record({
        hash: link.hash,
        issuer: link.claims.iss,
        subject: link.claims.sub,
        kid: link.kid,
        parent: link.claims.prf ?? null,
        expiresAt: link.claims.exp,
        seenAt: now,
      });
    }
  }

  /** Records one sighting unless the token was seen before; the store write is batched. */
  record(record: FirstSeenRecord): void {
    if (this.#seen.has(record.hash)) return;
    this.#seen.set(record.hash, record);
    this.#queue.push(record);
    if (this.#queue.length >= BATCH) void this.flush();
    else this.#timer ??= setTimeout(() => void this.flush(), BATCH_DELAY_MS);
  }

  /** Writes the queued sightings now. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return this.#flushing;
    this.#flushing = this.#flushing.then(() => this.#store.record(batch)).catch(this.#onError);
    return this.#flushing;
  }

  /** Forgets the sightings of tokens expired at `now`, in memory and in the store. */
  async sweep(now: number): Promise<void> {
    for (const [hash, record] of this.#seen) {
      if (record.expiresAt <= now) this.#seen.delete(hash);
    }
    await this.flush();
    await this.#store.purgeExpired(now);
  }

  /** Number of sightings held in memory. */
  get size(): number {
    return this.#seen.size;
  }
}
