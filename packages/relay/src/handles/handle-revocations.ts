import { isRelayError } from "../errors/relay-error.ts";
import type { RevocationAppend, RevocationRecord } from "../store/relay-store.ts";
import type { HandleRegistry } from "./handle-registry.ts";
import { endHolding, lostRace } from "./handle-writes.ts";

/** The relay's revocation log as the registry uses it (RevocationSet has this shape). */
export interface HandleRevocationLog {
  revoke(entry: RevocationAppend): Promise<RevocationRecord>;
  onApply(listener: (entry: RevocationRecord) => void): () => void;
}

/** Attempts at ending a holding that another write changed meanwhile. */
const ATTEMPTS = 3;

/**
 * Keeps handles in step with the revocation log: every applied entry of kind `handle`, whoever
 * wrote it (`POST /v1/handles/{name}/revoke`, `POST /v1/revocations`, another relay instance),
 * quarantines the handle from the entry's time. Ending a holding is idempotent, so an entry
 * seen twice changes nothing the second time.
 *
 * @example
 * registry.revocations.watch(context.revocations);
 */
export class HandleRevocations {
  readonly #registry: HandleRegistry;
  /** Statements behind revocations this instance is writing, by handle, for their events. */
  readonly #statements = new Map<string, string>();
  readonly #applying = new Map<number, Promise<void>>();
  #log: HandleRevocationLog | undefined;

  constructor(registry: HandleRegistry) {
    this.#registry = registry;
  }

  /** Follows the revocation log from now on. */
  watch(log: HandleRevocationLog): void {
    this.#log = log;
    log.onApply((entry) => {
      if (entry.kind === "handle") void this.#track(entry);
    });
  }

  /**
   * Appends an operator's revocation of a handle to the revocation log (the store's, when no
   * log is watched) and resolves once the holding has ended.
   */
  async revoke(entry: RevocationAppend, statement: string): Promise<RevocationRecord> {
    this.#statements.set(entry.target, statement);
    try {
      const stored =
        this.#log === undefined
          ? await this.#registry.deps.store.revocations.append(entry)
          : await this.#log.revoke(entry);
      await (this.#applying.get(stored.seq) ?? this.#track(stored));
      return stored;
    } finally {
      this.#statements.delete(entry.target);
    }
  }

  #track(entry: RevocationRecord): Promise<void> {
    const statement = this.#statements.get(entry.target) ?? entry.request;
    const applied = this.#end(entry, statement)
      .catch((error) => this.#registry.deps.log.error({ err: error, seq: entry.seq }, "revoke"))
      .finally(() => this.#applying.delete(entry.seq));
    this.#applying.set(entry.seq, applied);
    return applied;
  }

  async #end(entry: RevocationRecord, statement: string | null): Promise<void> {
    const registry = this.#registry;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const record = await registry.deps.store.handles.get(entry.target);
      // A holding that began after the revocation is someone's later claim, not its target.
      if (record === undefined || record.state !== "held" || record.since > entry.at) return;
      const write = endHolding(record, entry.at, "revoked", registry.policy, {
        actor: entry.revoker,
        statement,
        detail: { reason: entry.reason, revocation: entry.seq },
      });
      try {
        await registry.commit(write, () => lostRace(record.name));
        await registry.forgetIfEmpty(record.agent);
        return;
      } catch (error) {
        if (!isRelayError(error, "ERR_HANDLE_TAKEN")) throw error;
      }
    }
  }
}
