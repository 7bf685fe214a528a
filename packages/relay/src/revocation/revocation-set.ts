import type { RevocationCheck, RevocationQuery } from "@ants/protocol";
import type { RevocationRecord, RevocationRepository } from "../store/relay-store.ts";

/**
 * The minimal revocation index (DESIGN.md section 8) until the revocation issue extends it: a
 * set of revoked token hashes, key ids and session ids, and a map of issuer epochs, in memory,
 * rebuilt from the store's append-only log at start. A check is set lookups only. Entries are
 * written to the store before they are applied, so an acknowledged revocation survives a crash.
 *
 * @example
 * const revocations = await RevocationSet.load(store.revocations);
 * verifyChain({ ..., isRevoked: revocations.check });
 */
export class RevocationSet {
  readonly #store: RevocationRepository;
  readonly #tokens = new Set<string>();
  readonly #keys = new Set<string>();
  readonly #sessions = new Set<string>();
  readonly #epochs = new Map<string, number>();
  #onApply: (entry: RevocationRecord) => void = () => undefined;

  private constructor(store: RevocationRepository) {
    this.#store = store;
  }

  /** Loads every entry of the log, in sequence order. */
  static async load(store: RevocationRepository): Promise<RevocationSet> {
    const set = new RevocationSet(store);
    const page = 10_000;
    for (let after = 0; ; ) {
      const entries = await store.listSince(after, page);
      for (const entry of entries) set.#apply(entry);
      if (entries.length < page) break;
      after = entries[entries.length - 1]!.seq;
    }
    return set;
  }

  /** Calls `listener` for each entry applied from now on (to flush caches by id). */
  onApply(listener: (entry: RevocationRecord) => void): void {
    this.#onApply = listener;
  }

  /** Appends a revocation durably, then applies it: the next check sees it. */
  async revoke(entry: Omit<RevocationRecord, "seq">): Promise<RevocationRecord> {
    const stored = await this.#store.append(entry);
    this.#apply(stored);
    this.#onApply(stored);
    return stored;
  }

  /** The verifyChain hook: how a token is revoked, or false. */
  readonly check: RevocationCheck = (query: RevocationQuery) => {
    if (this.#tokens.has(query.tokenHash)) return "token";
    if (this.#keys.has(query.kid)) return "key";
    const epoch = this.#epochs.get(query.issuer);
    if (epoch !== undefined && query.seenAt < epoch) return "epoch";
    return false;
  };

  /** True when a session id has been revoked. */
  isSessionRevoked(sessionId: string): boolean {
    return this.#sessions.has(sessionId);
  }

  #apply(entry: RevocationRecord): void {
    if (entry.kind === "token") this.#tokens.add(entry.target);
    else if (entry.kind === "key") this.#keys.add(entry.target);
    else if (entry.kind === "session") this.#sessions.add(entry.target);
    else if (entry.kind === "issuer-epoch") this.#applyEpoch(entry);
  }

  // `issuer-epoch` targets are written "<did> <unix seconds>"; the latest epoch wins.
  #applyEpoch(entry: RevocationRecord): void {
    const [issuer, time] = entry.target.split(" ");
    const epoch = Number(time);
    if (issuer === undefined || !Number.isSafeInteger(epoch)) return;
    this.#epochs.set(issuer, Math.max(epoch, this.#epochs.get(issuer) ?? 0));
  }
}
