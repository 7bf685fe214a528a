import type { ServerResponse } from "node:http";
import type { Ed25519Signer } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import { ReplayGuard } from "../sessions/replay-guard.ts";
import type { RelayStore } from "../store/relay-store.ts";
import { FirstSeenBook } from "./first-seen-book.ts";
import { RevocationSet } from "./revocation-set.ts";
import { DEFAULT_HEARTBEAT_MS } from "./revocation-stream.ts";
import { SnapshotSigner } from "./snapshot-signer.ts";
import type { RevocationAuditSink, SubmitDeps } from "./submit-revocation.ts";

/** Revocation settings of the relay (`RelayOptions.revocation`). */
export interface RevocationOptions {
  /** Lifetime of a signed snapshot in seconds; default 300. */
  snapshotTtlSeconds?: number;
  /** Time between heartbeats on an idle stream, in ms; default 15000. */
  heartbeatMs?: number;
  /** How often the store is polled for entries other writers appended, in ms; default 1000. */
  pollMs?: number;
  /** Streams open at once at most; default 1000. */
  maxStreams?: number;
  /**
   * On a shared PostgreSQL store: how long an instance may go without confirming it holds every
   * revocation before it refuses decisions (ERR_REVOCATION_STALE); default 2000 ms.
   */
  staleAfterMs?: number;
}

/** Everything the revocation routes share. */
export interface RevocationServices {
  /** DIDs of the relay's operators, who may revoke anything. */
  operators: ReadonlySet<string>;
  /** Accepted revocation requests, by revoker and `jti`. */
  replay: ReplayGuard;
  snapshots: SnapshotSigner;
  heartbeatMs: number;
  maxStreams: number;
  /** Streams open now. */
  streams: Set<ServerResponse>;
  /** Where revocations are logged as audit events, once the audit log is wired in. */
  audit?: RevocationAuditSink;
}

/**
 * Opens the revocation log and index, the first-seen book and the services the routes share,
 * restoring the index and the live sightings from the store.
 *
 * @example
 * const { revocations, firstSeen, services } = await openRevocations({ store, relay, signer, now,
 *   operators: [], onError: (e) => log.error(e) });
 */
export async function openRevocations(input: {
  store: RelayStore;
  relay: string;
  signer: Ed25519Signer;
  now: () => number;
  operators?: readonly string[];
  options?: RevocationOptions;
  onError: (error: unknown) => void;
}): Promise<{
  revocations: RevocationSet;
  firstSeen: FirstSeenBook;
  services: RevocationServices;
}> {
  const options = input.options ?? {};
  const revocations = await RevocationSet.load(input.store.revocations, {
    pollMs: options.pollMs,
    onPollError: input.onError,
  });
  const firstSeen = await FirstSeenBook.load(input.store.firstSeen, input.now(), input.onError);
  const services: RevocationServices = {
    operators: new Set(input.operators ?? []),
    replay: new ReplayGuard(120),
    snapshots: new SnapshotSigner({
      revocations,
      relay: input.relay,
      signer: input.signer,
      now: input.now,
      ttlSeconds: options.snapshotTtlSeconds,
    }),
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    maxStreams: options.maxStreams ?? 1000,
    streams: new Set(),
  };
  return { revocations, firstSeen, services };
}

/**
 * The dependencies of `submitRevocation` from a relay's context.
 *
 * @example
 * await submitRevocation(submitDeps(app.relay), body);
 */
export function submitDeps(context: {
  identity: { did: string };
  now: () => number;
  store: RelayStore;
  revocations: RevocationSet;
  firstSeen: FirstSeenBook;
  revocation: RevocationServices;
}): SubmitDeps {
  return {
    relayDid: context.identity.did,
    now: context.now,
    store: context.store,
    revocations: context.revocations,
    firstSeen: context.firstSeen,
    operators: context.revocation.operators,
    replay: context.revocation.replay,
    audit: context.revocation.audit,
  };
}

/**
 * Reads a sequence number from a query string or a `Last-Event-ID` header. Throws
 * ERR_REQUEST_FIELD_INVALID for anything but a decimal safe integer.
 *
 * @example
 * readSeq("12", "since"); // 12
 */
export function readSeq(text: string | undefined, field: string): number {
  if (text === undefined || text === "") return 0;
  const seq = /^(0|[1-9][0-9]{0,15})$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new RelayError("ERR_REQUEST_FIELD_INVALID", `${field}: expected a sequence number`);
  }
  return seq;
}
