import {
  extendKeyEventLog,
  type KeyEventLog,
  type KeyResolver,
  publicKeyFromDid,
  resolveDidKey,
  tokenHash,
  verifyKeyEventLog,
} from "@ants/protocol";
import type { KeyEventRepository, StoredKeyEvent } from "../store/key-event-repository.ts";

/**
 * The verified key histories of the agents that rotated, in memory, so every signature check
 * resolves an agent's key without a store round trip (DESIGN.md section 11). An agent that never
 * rotated is absent: its key is the one its did:key encodes.
 *
 * @example
 * const book = new KeyEventBook();
 * await book.load(store.keyEvents);
 * verifyChain({ ...input, resolveKey: book.resolveKey });
 */
export class KeyEventBook {
  readonly #logs = new Map<string, KeyEventLog>();
  readonly #keys = new Map<string, Uint8Array>();

  /** Verifies and keeps the log of every agent that rotated. Throws ERR_KEL_* on a bad log. */
  async load(repository: KeyEventRepository): Promise<void> {
    for (const agent of await repository.listRotated()) {
      this.set(verifyStoredLog(await repository.list(agent)));
    }
  }

  /**
   * Keeps an agent's verified log from now on. A log shorter than the one kept is ignored: two
   * reads of the store may finish out of order, and a log only grows.
   */
  set(log: KeyEventLog): void {
    const kept = this.#logs.get(log.agent);
    if (kept !== undefined && kept.events.length > log.events.length) return;
    if (log.events.length > 1) this.#logs.set(log.agent, log);
  }

  /**
   * Reads one agent's log from the store again and keeps it: how an instance learns of a
   * rotation another instance appended (docs/spec/key-events.md 8.5). Throws ERR_KEL_* on a bad
   * log, keeping the one it had, so the new key stays unknown (fail closed).
   */
  async reload(repository: KeyEventRepository, agent: string): Promise<void> {
    const events = await repository.list(agent);
    if (events.length > 1) this.set(this.verify(events));
  }

  /**
   * Verifies one agent's stored events. When they extend the log kept for the agent (the same
   * events, by token hash and receipt time, then more), only the new events are checked: an
   * agent that rotated many times costs one check per new event, not one per event of its log.
   * Throws ERR_KEL_* codes.
   */
  verify(events: readonly StoredKeyEvent[]): KeyEventLog {
    const kept = events.length > 0 ? this.#logs.get(events[0]!.agent) : undefined;
    if (kept === undefined || !storedExtends(events, kept)) return verifyStoredLog(events);
    const added = events.slice(kept.events.length);
    return extendKeyEventLog(kept, added.map(recordOf), {
      receivedAt: added.map((entry) => entry.receivedAt),
    });
  }

  /** An agent's verified log, when it rotated. */
  get(agent: string): KeyEventLog | undefined {
    return this.#logs.get(agent);
  }

  /**
   * The verifyChain hook (docs/spec/key-events.md 4.6): the key that signed for `did` at
   * receipt time `atTime`, when its thumbprint is `kid`. A token first seen while a key was
   * current keeps that key; one first seen later, or after a stated compromise, finds none.
   */
  readonly resolveKey: KeyResolver = (did, atTime, kid) => {
    const log = this.#logs.get(did);
    if (log === undefined) return resolveDidKey(did, atTime, kid);
    const period = log.keyAt(atTime);
    if (period === undefined || period.kid !== kid) return undefined;
    let key = this.#keys.get(period.key);
    if (key === undefined) {
      key = publicKeyFromDid(period.key);
      this.#keys.set(period.key, key);
    }
    return key;
  };
}

/**
 * Verifies a stored log with its receipt times. Throws ERR_KEL_* codes.
 *
 * @example
 * const log = verifyStoredLog(await store.keyEvents.list(agent));
 */
export function verifyStoredLog(events: readonly StoredKeyEvent[]): KeyEventLog {
  return verifyKeyEventLog(events.map(recordOf), {
    receivedAt: events.map((entry) => entry.receivedAt),
  });
}

function recordOf(entry: StoredKeyEvent) {
  return {
    event: entry.event,
    ...(entry.approvals === null ? {} : { approvals: entry.approvals }),
  };
}

// The stored events begin with exactly the events of the kept log.
function storedExtends(events: readonly StoredKeyEvent[], kept: KeyEventLog): boolean {
  if (events.length < kept.events.length) return false;
  return kept.events.every(
    (event, i) =>
      events[i]!.receivedAt === event.receivedAt && tokenHash(events[i]!.event) === event.hash,
  );
}

const books = new WeakMap<object, KeyEventBook>();

/**
 * The key event book of one relay, kept beside its shared context so the hot paths that hold the
 * context (authorize, revocation) reach it without another field to thread through.
 *
 * @example
 * keyEventBookOf(app.relay).resolveKey(did, now, kid);
 */
export function keyEventBookOf(context: object): KeyEventBook {
  let book = books.get(context);
  if (book === undefined) {
    book = new KeyEventBook();
    books.set(context, book);
  }
  return book;
}
