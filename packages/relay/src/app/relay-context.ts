import type { LinkCache } from "@ants/protocol";
import type { Logger } from "pino";
import type { AuditSink } from "../audit/audit-sink.ts";
import type { AuditLog } from "../audit-log/audit-log.ts";
import { RelayError } from "../errors/relay-error.ts";
import type { HandleRegistry } from "../handles/handle-registry.ts";
import type { RelayMetrics } from "../http/metrics.ts";
import type { RelayIdentity } from "../identity/relay-identity.ts";
import type { RelayPolicy } from "../policy/relay-policy.ts";
import type { FirstSeenBook } from "../revocation/first-seen-book.ts";
import type { RevocationServices } from "../revocation/revocation-services.ts";
import type { RevocationSet } from "../revocation/revocation-set.ts";
import type { ChallengeBook } from "../sessions/challenge-book.ts";
import type { DpopNonces } from "../sessions/dpop-nonces.ts";
import type { ReplayGuard } from "../sessions/replay-guard.ts";
import type { SessionRegistry } from "../sessions/session-registry.ts";
import type { RelayStore } from "../store/relay-store.ts";
import type { TrustService } from "../trust/trust-service.ts";

/** What every route of one relay shares. */
export interface RelayContext {
  identity: RelayIdentity;
  store: RelayStore;
  metrics: RelayMetrics;
  log: Logger;
  /** The relay's clock, Unix seconds. Tests freeze it. */
  now(): number;
  /**
   * The relay's public URL without a trailing slash (`--public-url`, else the listening URL):
   * the origin logins are bound to and the base `htu` is checked against.
   */
  publicUrl: string;
  /** Login nonces. */
  challenges: ChallengeBook;
  /** Live sessions, in memory. */
  sessions: SessionRegistry;
  /** Accepted DPoP proofs, by session key and `jti`. */
  dpopReplay: ReplayGuard;
  /** This process's DPoP nonces: a proof must carry a current one (docs/spec/sessions.md 5.1). */
  dpopNonces: DpopNonces;
  /** Lifetime of new sessions, at most 900 s. */
  sessionTtlSeconds: number;
  /** The revocation log and its in-memory index (docs/spec/revocation.md). */
  revocations: RevocationSet;
  /** When the relay first saw each delegation, for key compromise and issuer epochs. */
  firstSeen: FirstSeenBook;
  /** Operators, replay window, snapshots and streams of the revocation API. */
  revocation: RevocationServices;
  /** Verified delegations by token hash; flushed by revocations. */
  linkCache: LinkCache;
  /** Minimum trust level per command prefix. */
  policy: RelayPolicy;
  /** An agent's published trust level (L0 to L4): one Map lookup (docs/spec/trust.md). */
  trustLevelOf(agent: string): number;
  /** The trust engine, its signals, the sandbox limiter and recent actions. */
  trust: TrustService;
  /** Where decisions are written before they are answered. */
  audit: AuditSink;
  /** The Merkle audit log behind `audit`: events, checkpoints, proofs, tiles and search. */
  auditLog: AuditLog;
  /** Accepted invocations, by actor and `jti`. */
  invocationReplay: ReplayGuard;
  /** Whether accepted invocations are also claimed in the store, shared by several instances. */
  claimInvocationsInStore: boolean;
  /** Handles: names, holders, lifecycle and holder activity (docs/spec/handles.md 8). */
  handles: HandleRegistry;
}

declare module "fastify" {
  interface FastifyInstance {
    /** The relay's shared state; set by buildRelay. */
    relay: RelayContext;
  }
}

/**
 * Normalises a public URL: http or https, no query, no fragment, no trailing slash. Throws
 * ERR_CONFIG_INVALID otherwise.
 *
 * @example
 * normalizePublicUrl("https://relay.example.com/"); // "https://relay.example.com"
 */
export function normalizePublicUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new RelayError("ERR_CONFIG_INVALID", "public url: not a URL", { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new RelayError("ERR_CONFIG_INVALID", "public url: expected http or https");
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new RelayError(
      "ERR_CONFIG_INVALID",
      "public url: no query, fragment or credentials allowed",
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}
