import {
  DELEGATION_TYP,
  type KeyResolver,
  MAX_DELEGATION_BYTES,
  parseCompactJws,
  parseRevocationRequest,
  type RevocationRequestClaims,
  readDelegationClaims,
  resolveDidKey,
  tokenHash,
  verifyJwsSignature,
  verifyRevocationRequest,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { ReplayGuard } from "../sessions/replay-guard.ts";
import type { RelayStore, RevocationRecord } from "../store/relay-store.ts";
import type { FirstSeenBook } from "./first-seen-book.ts";
import type { RevocationSet } from "./revocation-set.ts";
import { assertMayRevoke } from "./revoker-authority.ts";

/** Where revocations are logged besides the revocation log: the audit log's `appendEvent`. */
export interface RevocationAuditSink {
  appendEvent(input: {
    event: "revocation";
    action: string;
    subject: string;
    actor: string | null;
    data: Record<string, unknown>;
    time: number;
  }): Promise<unknown>;
}

/** What taking a revocation needs. */
export interface SubmitDeps {
  relayDid: string;
  now: () => number;
  store: Pick<RelayStore, "agents" | "sessions" | "handles">;
  revocations: RevocationSet;
  firstSeen: FirstSeenBook;
  operators: ReadonlySet<string>;
  /** Accepted requests by revoker and `jti`, within the 60 s window of `iat`. */
  replay: ReplayGuard;
  audit?: RevocationAuditSink;
  /** Agents' keys after rotation (docs/spec/key-events.md 4.6); default the did:key's own key. */
  resolveKey?: KeyResolver;
}

/** The body of `POST /v1/revocations`. */
export interface SubmitInput {
  /** The signed request (ants-rev+jwt). */
  request: string;
  /** `token` kind: the token itself, for a token the relay has not seen yet. */
  token?: string;
}

/**
 * Takes a revocation request (docs/spec/revocation.md 2.3 and 2.4): checks it, checks that its
 * signer may revoke the target, writes it durably to the log and applies it, in that order, so
 * the entry exists before the answer and the very next check refuses the target. A request whose
 * target is already revoked at least as widely answers the existing entry (`created: false`).
 * Throws coded RelayErrors and ProtocolErrors.
 *
 * @example
 * const { entry, created } = await submitRevocation(deps, { request });
 */
export async function submitRevocation(
  deps: SubmitDeps,
  input: SubmitInput,
): Promise<{ entry: RevocationRecord; created: boolean }> {
  const now = deps.now();
  const parsed = parseRevocationRequest(input.request);
  const resolveKey = deps.resolveKey ?? resolveDidKey;
  const claims = verifyRevocationRequest(parsed, { relay: deps.relayDid, now, resolveKey });

  // A key that is itself revoked speaks for no one, not even to revoke.
  const signerRevoked = deps.revocations.revokedKey(parsed.jws.kid, now);
  if (signerRevoked !== 0) {
    throw new RelayError("ERR_REVOKED_KEY", "request: signed by a revoked key", {
      details: { seq: signerRevoked },
    });
  }

  if (!deps.replay.checkAndRemember(`${claims.iss}:${claims.jti}`, now)) {
    throw new RelayError("ERR_REVOCATION_REPLAYED", "jti: this request was already submitted");
  }

  if (claims.kind === "token" && input.token !== undefined)
    learnToken(deps, claims, input.token, now);
  await assertMayRevoke(deps, claims);

  const existing = await existingEntry(deps.revocations, claims, now);
  if (existing !== undefined) return { entry: existing, created: false };

  const entry = await deps.revocations.revoke({
    kind: claims.kind,
    target: claims.target,
    reason: claims.reason ?? "",
    revoker: claims.iss,
    at: now,
    compromisedSince: claims.compromisedSince ?? null,
    epoch: claims.epoch ?? null,
    request: input.request,
  });
  await deps.audit?.appendEvent({
    event: "revocation",
    action: claims.kind,
    subject: claims.target,
    actor: claims.iss,
    data: { seq: entry.seq, reason: entry.reason },
    time: now,
  });
  return { entry, created: true };
}

// A token sent along is recorded as seen now, once its signature is its issuer's: the relay then
// knows its issuer, principal and parent, which deciding who may revoke it needs.
function learnToken(deps: SubmitDeps, claims: RevocationRequestClaims, token: string, now: number) {
  if (tokenHash(token) !== claims.target) {
    throw new RelayError("ERR_REVOCATION_INVALID", "token: its hash is not the request's target");
  }
  const jws = parseCompactJws(token, { typ: DELEGATION_TYP, maxBytes: MAX_DELEGATION_BYTES });
  const { claims: delegation } = readDelegationClaims(jws.payload);
  const key = (deps.resolveKey ?? resolveDidKey)(delegation.iss, now, jws.kid);
  if (key === undefined) throw new RelayError("ERR_KEY_UNKNOWN", "token: no key for its issuer");
  verifyJwsSignature(jws, key);
  deps.firstSeen.record({
    hash: claims.target,
    issuer: delegation.iss,
    subject: delegation.sub,
    kid: jws.kid,
    parent: delegation.prf ?? null,
    expiresAt: delegation.exp,
    seenAt: now,
  });
}

// The entry that already refuses at least what this request asks, if any.
async function existingEntry(
  revocations: RevocationSet,
  claims: RevocationRequestClaims,
  now: number,
): Promise<RevocationRecord | undefined> {
  const seq = coveringSeq(revocations, claims, now);
  if (seq === 0) return undefined;
  const [entry] = await revocations.listSince(seq - 1, 1);
  return entry;
}

function coveringSeq(revocations: RevocationSet, claims: RevocationRequestClaims, now: number) {
  switch (claims.kind) {
    case "token":
      return revocations.revokedToken(claims.target);
    case "key":
      return revocations.revokedKey(claims.target, Math.min(claims.compromisedSince ?? now, now));
    case "issuer-epoch":
      return revocations.epochCovering(claims.target, claims.epoch!);
    default:
      return revocations.revokedId(claims.kind, claims.target);
  }
}
