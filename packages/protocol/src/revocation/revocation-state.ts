import type { RevocationHit, RevocationQuery } from "../delegation/verification-hooks.ts";
import type { RevocationLogKind } from "./revocation-claims.ts";

/**
 * One item of the revocation state (docs/spec/revocation.md 3 and 5.2): what a verifier needs to
 * refuse, without the reason or the signed request. `since` is the key's cutoff for `key` (the
 * compromise time when stated and earlier, else the revocation time) and the epoch for
 * `issuer-epoch`; the other kinds have none.
 */
export interface RevocationStateItem {
  readonly seq: number;
  readonly kind: RevocationLogKind;
  readonly target: string;
  readonly since?: number;
}

/** A log entry as the relay publishes it (docs/spec/revocation.md 4.1). */
export interface RevocationEntry {
  readonly seq: number;
  readonly kind: RevocationLogKind;
  readonly target: string;
  readonly reason: string;
  /** When the relay recorded it (Unix seconds). */
  readonly at: number;
  readonly revoker: string;
  readonly compromisedSince?: number;
  readonly epoch?: number;
  /** The revoker's signed request (ants-rev+jwt), or null for an entry the relay wrote itself. */
  readonly request: string | null;
}

/**
 * The state item an entry leaves behind (docs/spec/revocation.md 3): for a key, the cutoff is the
 * earlier of the stated compromise time and the revocation time.
 *
 * @example
 * stateItemOf(entry); // { seq: 7, kind: "key", target: kid, since: 1767225000 }
 */
export function stateItemOf(entry: RevocationEntry): RevocationStateItem {
  const { seq, kind, target } = entry;
  if (kind === "key") {
    return { seq, kind, target, since: Math.min(entry.compromisedSince ?? entry.at, entry.at) };
  }
  if (kind === "issuer-epoch") return { seq, kind, target, since: entry.epoch ?? entry.at };
  return { seq, kind, target };
}

/**
 * The revocation state in maps, for verifiers off the relay (an SDK following the feed, a test):
 * the rules of docs/spec/revocation.md 3. The relay keeps a more compact index with the same
 * answers. Items must be applied in sequence order; a later epoch of an issuer replaces an
 * earlier one, and a key keeps its earliest cutoff.
 *
 * @example
 * const state = new RevocationState();
 * state.apply({ seq: 1, kind: "token", target: hash });
 * state.check({ tokenHash: hash, issuer, kid, seenAt, role: "delegation" }); // { kind: "token", seq: 1 }
 */
export class RevocationState {
  readonly #tokens = new Map<string, number>();
  readonly #sessions = new Map<string, number>();
  readonly #handles = new Map<string, number>();
  readonly #keys = new Map<string, { seq: number; since: number }>();
  readonly #epochs = new Map<string, { seq: number; since: number }>();
  #seq = 0;

  /** The sequence number of the last item applied (0 when none). */
  get seq(): number {
    return this.#seq;
  }

  /** Applies one item; items at or below the current sequence number are ignored. */
  apply(item: RevocationStateItem): void {
    if (item.seq <= this.#seq) return;
    this.#seq = item.seq;
    const since = item.since ?? 0;
    if (item.kind === "token") this.#tokens.set(item.target, item.seq);
    else if (item.kind === "session") this.#sessions.set(item.target, item.seq);
    else if (item.kind === "handle") this.#handles.set(item.target, item.seq);
    else if (item.kind === "key") {
      const known = this.#keys.get(item.target);
      if (known === undefined || since < known.since)
        this.#keys.set(item.target, { seq: item.seq, since });
    } else {
      const known = this.#epochs.get(item.target);
      if (known === undefined || since > known.since)
        this.#epochs.set(item.target, { seq: item.seq, since });
    }
  }

  /** Moves the sequence number forward without an item (a snapshot's head, a heartbeat). */
  advanceTo(seq: number): void {
    if (seq > this.#seq) this.#seq = seq;
  }

  /** The verifyChain hook: how a token is revoked, with the entry's sequence number, or false. */
  readonly check = (query: RevocationQuery): RevocationHit | false => {
    const token = this.#tokens.get(query.tokenHash);
    if (token !== undefined) return { kind: "token", seq: token };
    const key = this.#keys.get(query.kid);
    if (key !== undefined && query.seenAt >= key.since) return { kind: "key", seq: key.seq };
    const epoch = this.#epochs.get(query.issuer);
    if (epoch !== undefined && query.seenAt < epoch.since) return { kind: "epoch", seq: epoch.seq };
    return false;
  };

  /** The entry that revoked a session, a handle, or a key for use now, if any. */
  lookup(kind: "session" | "handle" | "key", id: string): number | undefined {
    if (kind === "key") return this.#keys.get(id)?.seq;
    return (kind === "session" ? this.#sessions : this.#handles).get(id);
  }

  /** Every item, by kind, in sequence order: the compact state a snapshot carries. */
  items(): RevocationStateItem[] {
    const items: RevocationStateItem[] = [];
    for (const [target, seq] of this.#tokens) items.push({ seq, kind: "token", target });
    for (const [target, seq] of this.#sessions) items.push({ seq, kind: "session", target });
    for (const [target, seq] of this.#handles) items.push({ seq, kind: "handle", target });
    for (const [target, k] of this.#keys)
      items.push({ seq: k.seq, kind: "key", target, since: k.since });
    for (const [target, e] of this.#epochs) {
      items.push({ seq: e.seq, kind: "issuer-epoch", target, since: e.since });
    }
    return items.sort((a, b) => a.seq - b.seq);
  }
}
