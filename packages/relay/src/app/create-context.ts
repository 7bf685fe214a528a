import { join } from "node:path";
import { LinkCache } from "@ants/protocol";
import type { Logger } from "pino";
import { openRelayAuditLog } from "../audit-log/open-relay-audit-log.ts";
import { RelayError } from "../errors/relay-error.ts";
import { resolveHandlePolicy } from "../handles/handle-policy.ts";
import { HandleRegistry } from "../handles/handle-registry.ts";
import { loadRelayIdentity } from "../identity/relay-identity.ts";
import { loadRelayPolicy, OPEN_POLICY } from "../policy/relay-policy.ts";
import { flushLinks } from "../revocation/flush-links.ts";
import { openRevocations } from "../revocation/revocation-services.ts";
import { ChallengeBook } from "../sessions/challenge-book.ts";
import { DpopNonces } from "../sessions/dpop-nonces.ts";
import { ReplayGuard } from "../sessions/replay-guard.ts";
import { SessionRegistry } from "../sessions/session-registry.ts";
import { MAX_SESSION_SECONDS } from "../sessions/session-token.ts";
import { isPostgresStore, openPostgresStore } from "../store/postgres/postgres-store.ts";
import { openSqliteStore, SQLITE_FILE_NAME } from "../store/sqlite/sqlite-store.ts";
import { openTrust } from "../trust/open-trust.ts";
import { onRevocation, reactionDeps } from "../trust/trust-reactions.ts";
import type { RelayOptions } from "./build-relay.ts";
import { normalizePublicUrl, type RelayContext } from "./relay-context.ts";

/** RFC 9449 proofs and invocations are accepted 60 s either side of now: keep a `jti` 120 s. */
export const REPLAY_WINDOW_SECONDS = 120;
/** Verified delegations kept in memory. */
const LINK_CACHE_CAPACITY = 50_000;

/**
 * Opens everything a relay shares across requests: identity, store, sessions, revocations,
 * policy, audit sink and replay windows, restoring what a restart must keep (live sessions,
 * revocations, the invocations of the last replay window).
 *
 * @example
 * const context = await createContext(options, log, metrics);
 */
export async function createContext(
  options: RelayOptions,
  log: Logger,
  metrics: RelayContext["metrics"],
): Promise<RelayContext> {
  const dataDir = options.dataDir;
  if (dataDir === undefined && (options.store === undefined || options.identity === undefined)) {
    throw new RelayError("ERR_CONFIG_INVALID", "data dir: required without a store and identity");
  }
  const identity =
    options.identity ??
    (await loadRelayIdentity({
      dataDir: dataDir!,
      passphraseFile: options.passphraseFile,
      insecureWorkFactorLog2ForTests: options.insecureWorkFactorLog2ForTests,
      log,
    }));
  const store =
    options.store ??
    (options.databaseUrl
      ? await openPostgresStore(options.databaseUrl)
      : openSqliteStore(join(dataDir!, SQLITE_FILE_NAME)));
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const revocation = await openRevocations({
    store,
    relay: identity.did,
    signer: identity.signer,
    now,
    operators: options.operators,
    options: options.revocation,
    onError: (error) => log.error({ err: error }, "revocation store"),
  });
  const auditLog = await openRelayAuditLog({
    store,
    identity,
    now,
    batch: options.auditBatch,
    log,
    publicUrl: () => context.publicUrl,
  });
  revocation.services.audit = auditLog;
  const trust = await openTrust({
    options: options.trust,
    store,
    now,
    log,
    audit: auditLog,
    revocations: revocation.revocations,
    // Several relays on one store: trust is recomputed once, by the audit sequencer's holder.
    ...(isPostgresStore(store) ? { isLeader: () => auditLog.isSequencer } : {}),
  });
  const context: RelayContext = {
    identity,
    store,
    metrics,
    log,
    now,
    publicUrl: normalizePublicUrl(options.publicUrl ?? "http://127.0.0.1"),
    challenges: new ChallengeBook(store.replay),
    sessions: new SessionRegistry(store.sessions, identity.did),
    dpopReplay: new ReplayGuard(REPLAY_WINDOW_SECONDS),
    dpopNonces: new DpopNonces(),
    sessionTtlSeconds: sessionTtl(options),
    revocations: revocation.revocations,
    firstSeen: revocation.firstSeen,
    revocation: revocation.services,
    linkCache: new LinkCache({ capacity: LINK_CACHE_CAPACITY }),
    policy:
      options.policy ??
      (options.policyFile ? await loadRelayPolicy(options.policyFile) : OPEN_POLICY),
    trustLevelOf: (agent) => trust.levelOf(agent),
    trust,
    audit: auditLog,
    auditLog,
    invocationReplay: new ReplayGuard(REPLAY_WINDOW_SECONDS),
    // Several instances share a PostgreSQL store; the embedded SQLite file has one relay.
    claimInvocationsInStore: (store as { kind?: string }).kind === "postgres",
    handles: await HandleRegistry.open({
      store,
      // The relay's operators may revoke handles unless the handle settings name others.
      policy: resolveHandlePolicy({ operators: options.operators, ...options.handles }),
      now,
      log: log.child({ component: "handles" }),
      audit: auditLog,
    }),
  };
  context.handles.revocations.watch(context.revocations);
  // A revoked token or key must not stay verified in the cache (DESIGN.md section 5).
  context.revocations.onApply((entry) => flushLinks(context.linkCache, entry));
  // Revoked vouches leave the graph; an operator's revocation of an agent is misbehaviour.
  context.revocations.onApply((entry) => onRevocation(reactionDeps(context), entry));
  await context.sessions.load(now());
  for (const seen of await auditLog.listInvocationsSince(now() - REPLAY_WINDOW_SECONDS)) {
    context.invocationReplay.checkAndRemember(`${seen.actor}:${seen.jti}`, now());
  }
  return context;
}

function sessionTtl(options: RelayOptions): number {
  const ttl = options.sessionTtlSeconds ?? MAX_SESSION_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_SESSION_SECONDS) {
    throw new RelayError(
      "ERR_CONFIG_INVALID",
      `session ttl: expected 1 to ${MAX_SESSION_SECONDS} s`,
    );
  }
  return ttl;
}
