import {
  type RevocationHit,
  type RevocationQuery,
  type RevocationStateItem,
  stateItemOf,
} from "@ants/protocol";
import type { RevocationRecord } from "../store/relay-store.ts";
import { RevokedIdTable } from "./revoked-id-table.ts";

/** A revoked id of a kind that is checked by itself (not through a token). */
export type StandaloneKind = "session" | "handle";

/**
 * The in-memory revocation index (DESIGN.md section 8, docs/spec/revocation.md 3): revoked token
 * hashes, key ids and session ids in compact tables, handles in a map, each key's cutoff time
 * and each issuer's latest epoch. It answers from memory only; {@link RevocationSet} feeds it the
 * log in sequence order.
 *
 * @example
 * const index = new RevocationIndex();
 * index.apply(record);
 * index.check({ tokenHash, issuer, kid, seenAt, role: "delegation" }); // { kind: "token", seq }
 */
export class RevocationIndex {
  readonly #tokens = new RevokedIdTable();
  readonly #keys = new RevokedIdTable(64);
  readonly #sessions = new RevokedIdTable(64);
  /** Ids that are not canonical 32-byte base64url; the relay never writes one, older logs might. */
  readonly #odd = new Map<string, RevocationStateItem>();
  readonly #handles = new Map<string, number>();
  /** A key revocation's cutoff, by the sequence number the key table holds. */
  readonly #keyCutoffs = new Map<number, number>();
  readonly #epochs = new Map<string, { seq: number; since: number }>();
  #seq = 0;

  /** The sequence number of the last entry applied. */
  get seq(): number {
    return this.#seq;
  }

  /** Applies one entry; the caller applies entries in sequence order, each once. */
  apply(record: RevocationRecord): void {
    this.#seq = Math.max(this.#seq, record.seq);
    const item = stateItemOf({ ...record, ...optional(record) });
    if (record.kind === "token") this.#setId(this.#tokens, "token", item);
    else if (record.kind === "session") this.#setId(this.#sessions, "session", item);
    else if (record.kind === "handle") this.#handles.set(record.target, record.seq);
    else if (record.kind === "key") this.#applyKey(item);
    else this.#applyEpoch(item);
  }

  /** The verifyChain hook: how a token is revoked, with the entry's sequence number, or false. */
  readonly check = (query: RevocationQuery): RevocationHit | false => {
    const token = this.#id(this.#tokens, "token", query.tokenHash);
    if (token !== 0) return { kind: "token", seq: token };
    const key = this.#keyHit(query.kid, query.seenAt);
    if (key !== 0) return { kind: "key", seq: key };
    if (this.#epochs.size > 0) {
      const epoch = this.#epochs.get(query.issuer);
      if (epoch !== undefined && query.seenAt < epoch.since)
        return { kind: "epoch", seq: epoch.seq };
    }
    return false;
  };

  /** The sequence number that revoked a session or handle, or 0. */
  standalone(kind: StandaloneKind, id: string): number {
    if (kind === "handle") return this.#handles.get(id) ?? 0;
    return this.#id(this.#sessions, "session", id);
  }

  /** The sequence number that revoked a token, or 0. */
  token(hash: string): number {
    return this.#id(this.#tokens, "token", hash);
  }

  /** The sequence number of an issuer's epoch when it is at least `epoch`, or 0. */
  epochCovering(issuer: string, epoch: number): number {
    const known = this.#epochs.get(issuer);
    return known !== undefined && known.since >= epoch ? known.seq : 0;
  }

  /** The sequence number that refuses key `kid` for something first seen at `seenAt`, or 0. */
  keyRevoked(kid: string, seenAt: number): number {
    return this.#keyHit(kid, seenAt);
  }

  /** Number of revoked ids and the bytes their tables hold. */
  stats(): { ids: number; tableBytes: number } {
    const tables = [this.#tokens, this.#keys, this.#sessions];
    return {
      ids: tables.reduce((n, t) => n + t.size, 0) + this.#odd.size + this.#handles.size,
      tableBytes: tables.reduce((n, t) => n + t.bytes, 0),
    };
  }

  /** The compact state, in sequence order (docs/spec/revocation.md 5.2). */
  items(): RevocationStateItem[] {
    const items: RevocationStateItem[] = [];
    const push = (kind: RevocationStateItem["kind"], entries: Iterable<[string, number]>) => {
      for (const [target, seq] of entries) {
        const since = kind === "key" ? this.#keyCutoffs.get(seq) : undefined;
        items.push(since === undefined ? { seq, kind, target } : { seq, kind, target, since });
      }
    };
    push("token", this.#tokens.entries());
    push("key", this.#keys.entries());
    push("session", this.#sessions.entries());
    push("handle", this.#handles);
    for (const item of this.#odd.values()) push(item.kind, [[item.target, item.seq]]);
    for (const [target, e] of this.#epochs) {
      items.push({ seq: e.seq, kind: "issuer-epoch", target, since: e.since });
    }
    return items.sort((a, b) => a.seq - b.seq);
  }

  #keyHit(kid: string, seenAt: number): number {
    const seq = this.#id(this.#keys, "key", kid);
    if (seq === 0) return 0;
    return seenAt >= (this.#keyCutoffs.get(seq) ?? 0) ? seq : 0;
  }

  #id(table: RevokedIdTable, kind: string, id: string): number {
    const seq = table.get(id);
    if (seq !== 0 || this.#odd.size === 0) return seq;
    return this.#odd.get(`${kind} ${id}`)?.seq ?? 0;
  }

  #setId(table: RevokedIdTable, kind: string, item: RevocationStateItem): void {
    if (RevokedIdTable.accepts(item.target)) table.set(item.target, item.seq);
    else this.#odd.set(`${kind} ${item.target}`, item);
  }

  // A key keeps its earliest cutoff: a later entry can only widen what is refused.
  #applyKey(item: RevocationStateItem): void {
    const since = item.since ?? 0;
    const known = this.#id(this.#keys, "key", item.target);
    if (known !== 0 && (this.#keyCutoffs.get(known) ?? 0) <= since) return;
    this.#keyCutoffs.set(item.seq, since);
    this.#setId(this.#keys, "key", item);
  }

  // An issuer keeps its latest epoch: every epoch refuses less than a later one.
  #applyEpoch(item: RevocationStateItem): void {
    const since = item.since ?? 0;
    const known = this.#epochs.get(item.target);
    if (known === undefined || since > known.since) {
      this.#epochs.set(item.target, { seq: item.seq, since });
    }
  }
}

function optional(record: RevocationRecord) {
  return {
    compromisedSince: record.compromisedSince ?? undefined,
    epoch: record.epoch ?? undefined,
  };
}
