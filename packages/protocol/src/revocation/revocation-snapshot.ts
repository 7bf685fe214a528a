import { isProtocolError, ProtocolError } from "../errors/protocol-error.ts";
import { isDid, readTime } from "../jws/claim-checks.ts";
import { parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { REVOCATION_SNAPSHOT_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import type { Ed25519Signer } from "../keys/ed25519.ts";
import { REVOCATION_KINDS, readTarget } from "./revocation-claims.ts";
import type { RevocationStateItem } from "./revocation-state.ts";

/** The payload of a revocation snapshot (docs/spec/revocation.md 5). */
export interface RevocationSnapshot {
  /** The relay's DID. */
  readonly iss: string;
  /** The last log entry the state includes. */
  readonly seq: number;
  readonly iat: number;
  /** After this time the snapshot, and any copy built on it, must not be trusted. */
  readonly exp: number;
  readonly state: readonly RevocationStateItem[];
}

/** Options of {@link verifyRevocationSnapshot}. */
export interface VerifySnapshotOptions {
  /** The relay's DID (the snapshot's `iss`) and its public key, from its JWKS or discovery. */
  relay: string;
  relayKey: Uint8Array;
  now: number;
  /** Largest snapshot accepted, in bytes. Default 256 MiB. */
  maxBytes?: number;
}

const DEFAULT_MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;
const MEMBERS = new Set(["iss", "seq", "iat", "exp", "state"]);

/**
 * Signs a snapshot of the revocation state with the relay's key (docs/spec/revocation.md 5).
 *
 * @example
 * const jws = signRevocationSnapshot({ iss: relayDid, seq, iat: now, exp: now + 300, state }, key);
 */
export function signRevocationSnapshot(
  snapshot: RevocationSnapshot,
  signer: Ed25519Signer,
): string {
  return signCompactJws(REVOCATION_SNAPSHOT_TYP, snapshot, signer);
}

/**
 * Verifies a snapshot in the order of docs/spec/revocation.md 5.3: structure, signature by the
 * relay's key, issuer, shape of every item, then expiry. Throws ERR_REVOCATION_SNAPSHOT_INVALID
 * (wrapping the parse or signature failure as its cause) or ERR_REVOCATION_FEED_STALE once
 * `exp` has passed; returns the payload.
 *
 * @example
 * const snapshot = verifyRevocationSnapshot(jws, { relay: relayDid, relayKey, now });
 * snapshot.state.length;
 */
export function verifyRevocationSnapshot(
  token: string,
  options: VerifySnapshotOptions,
): RevocationSnapshot {
  let snapshot: RevocationSnapshot;
  try {
    const jws = parseCompactJws(token, {
      typ: REVOCATION_SNAPSHOT_TYP,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES,
    });
    verifyJwsSignature(jws, options.relayKey);
    snapshot = readSnapshot(jws.payload);
  } catch (error) {
    if (!isProtocolError(error) || error.code === "ERR_REVOCATION_SNAPSHOT_INVALID") throw error;
    throw new ProtocolError("ERR_REVOCATION_SNAPSHOT_INVALID", `snapshot: ${error.message}`, {
      cause: error,
    });
  }
  if (snapshot.iss !== options.relay) invalid("iss: not this relay");
  if (options.now >= snapshot.exp) {
    throw new ProtocolError("ERR_REVOCATION_FEED_STALE", "snapshot: expired", {
      details: { exp: snapshot.exp },
    });
  }
  return snapshot;
}

function readSnapshot(payload: { readonly [name: string]: unknown }): RevocationSnapshot {
  for (const name of Object.keys(payload)) {
    if (!MEMBERS.has(name)) invalid(`${name.slice(0, 32)}: no such member`);
  }
  if (!isDid(payload.iss)) invalid("iss: expected the relay's DID");
  const seq = readTime(payload.seq, "seq");
  const iat = readTime(payload.iat, "iat");
  const exp = readTime(payload.exp, "exp");
  if (exp <= iat) invalid("exp: not after iat");
  if (!Array.isArray(payload.state)) invalid("state: expected an array");
  let previous = 0;
  const state = payload.state.map((item: unknown) => {
    const read = readItem(item);
    if (read.seq <= previous || read.seq > seq) invalid("state: sequence numbers out of order");
    previous = read.seq;
    return read;
  });
  return { iss: payload.iss, seq, iat, exp, state };
}

function readItem(item: unknown): RevocationStateItem {
  if (item === null || typeof item !== "object" || Array.isArray(item)) invalid("state[]: object");
  const { seq, kind, target, since, ...rest } = item as Record<string, unknown>;
  if (Object.keys(rest).length > 0) invalid("state[]: unknown member");
  if (typeof kind !== "string" || !(REVOCATION_KINDS as readonly string[]).includes(kind)) {
    invalid("state[].kind: unknown");
  }
  const typed = kind as RevocationStateItem["kind"];
  const needsSince = typed === "key" || typed === "issuer-epoch";
  if (needsSince !== (since !== undefined)) invalid("state[].since: only and always on key, epoch");
  return {
    seq: readTime(seq, "state[].seq"),
    kind: typed,
    target: readTarget(typed, target),
    ...(since === undefined ? {} : { since: readTime(since, "state[].since") }),
  };
}

function invalid(message: string): never {
  throw new ProtocolError("ERR_REVOCATION_SNAPSHOT_INVALID", `snapshot: ${message}`);
}
