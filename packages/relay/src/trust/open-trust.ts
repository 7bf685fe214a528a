import type { Logger } from "pino";
import type { RevocationSet } from "../revocation/revocation-set.ts";
import type { RelayStore } from "../store/relay-store.ts";
import { resolveTrustConfig, type TrustOptions } from "./trust-config.ts";
import { type TrustAuditSink, TrustService } from "./trust-service.ts";

/** Trust settings of the relay (`RelayOptions.trust`): formula v1's parameters and the timer. */
export interface RelayTrustOptions extends TrustOptions {
  /** How often every agent is re-evaluated, in ms; default 60000, 0 for never (tests). */
  refreshMs?: number;
}

/**
 * Opens the relay's trust service on its store, restoring every signal and level.
 *
 * @example
 * const trust = await openTrust({ options: { seeds: [root] }, store, now, log, audit, revocations });
 */
export async function openTrust(input: {
  options: RelayTrustOptions | undefined;
  store: RelayStore;
  now: () => number;
  log: Logger;
  audit: TrustAuditSink;
  revocations: RevocationSet;
  /** Set on a store shared by several relays: whether this instance recomputes (see TrustService). */
  isLeader?: () => boolean;
}): Promise<TrustService> {
  const { refreshMs, ...options } = input.options ?? {};
  return TrustService.open({
    repository: input.store.trust,
    config: resolveTrustConfig(options),
    now: input.now,
    log: input.log.child({ component: "trust" }),
    audit: input.audit,
    isTokenRevoked: (hash) => input.revocations.revokedToken(hash) !== 0,
    refreshMs,
    ...(input.isLeader === undefined ? {} : { shared: { isLeader: input.isLeader } }),
  });
}
