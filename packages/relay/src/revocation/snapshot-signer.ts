import { type Ed25519Signer, signRevocationSnapshot } from "@ants/protocol";
import type { RevocationSet } from "./revocation-set.ts";

/** Default lifetime of a snapshot: a verifier working from it fails closed after this. */
export const DEFAULT_SNAPSHOT_TTL_SECONDS = 300;

/** A signed snapshot and what it covers. */
export interface SignedSnapshot {
  snapshot: string;
  seq: number;
  iat: number;
  exp: number;
}

/** What a {@link SnapshotSigner} signs with. */
export interface SnapshotDeps {
  revocations: RevocationSet;
  /** The relay's DID (the snapshot's `iss`) and its key. */
  relay: string;
  signer: Ed25519Signer;
  now: () => number;
  /** Lifetime of each snapshot in seconds; default 300. */
  ttlSeconds?: number;
}

/**
 * Signs snapshots of the revocation state (docs/spec/revocation.md 5) with the relay's key, and
 * keeps the last one while the log has not moved and it has more than half its life left, so a
 * crowd of verifiers fetching at once costs one signature and one serialisation.
 *
 * @example
 * const snapshots = new SnapshotSigner({ revocations, relay: did, signer: key, now });
 * const { snapshot, seq } = snapshots.current();
 */
export class SnapshotSigner {
  readonly #deps: SnapshotDeps;
  readonly ttlSeconds: number;
  #last: SignedSnapshot | undefined;

  constructor(deps: SnapshotDeps) {
    this.#deps = deps;
    this.ttlSeconds = deps.ttlSeconds ?? DEFAULT_SNAPSHOT_TTL_SECONDS;
  }

  /** A snapshot current to the last entry applied. */
  current(): SignedSnapshot {
    const now = this.#deps.now();
    const last = this.#last;
    const seq = this.#deps.revocations.seq;
    if (last !== undefined && last.seq === seq && now < last.iat + this.ttlSeconds / 2) return last;
    const state = this.#deps.revocations.state();
    const payload = {
      iss: this.#deps.relay,
      seq: state.seq,
      iat: now,
      exp: now + this.ttlSeconds,
      state: state.items,
    };
    const snapshot = signRevocationSnapshot(payload, this.#deps.signer);
    this.#last = { snapshot, seq: state.seq, iat: payload.iat, exp: payload.exp };
    return this.#last;
  }
}
