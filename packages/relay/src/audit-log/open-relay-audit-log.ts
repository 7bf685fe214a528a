import type { Logger } from "pino";
import type { RelayIdentity } from "../identity/relay-identity.ts";
import { logOriginFor } from "../routes/well-known-routes.ts";
import { isPostgresStore } from "../store/postgres/postgres-store.ts";
import type { RelayStore } from "../store/relay-store.ts";
import { AuditLog } from "./audit-log.ts";

/** What the relay hands its audit log at start. */
export interface RelayAuditLogInput {
  readonly store: RelayStore;
  readonly identity: RelayIdentity;
  readonly now: () => number;
  /** Group commit: fixed wait in ms (default 0: none, see LogSequencer) and batch size (512). */
  readonly batch?: { maxDelayMs?: number; maxBatch?: number } | undefined;
  readonly log: Logger;
  /** The relay's public URL, read at every checkpoint: it is final only once the relay listens. */
  readonly publicUrl: () => string;
}

/**
 * Opens the relay's audit log on its store: checkpoints signed by the relay's identity key under
 * the log origin of its public URL (`logOriginFor`). Throws ERR_LOG_INCONSISTENT when the stored
 * tree no longer has the root of the last checkpoint the relay signed.
 *
 * @example
 * const auditLog = await openRelayAuditLog({ store, identity, now, log,
 *   publicUrl: () => context.publicUrl });
 */
export function openRelayAuditLog(input: RelayAuditLogInput): Promise<AuditLog> {
  return AuditLog.open({
    store: input.store.log,
    relay: input.identity.did,
    signer: input.identity.signer,
    origin: () => logOriginFor(input.publicUrl()),
    now: input.now,
    ...(input.batch?.maxDelayMs === undefined ? {} : { flushIntervalMs: input.batch.maxDelayMs }),
    ...(input.batch?.maxBatch === undefined ? {} : { maxBatch: input.batch.maxBatch }),
    log: input.log.child({ component: "audit-log" }),
    // Several relays on one PostgreSQL store: one sequencer, elected by an advisory lock.
    ...(isPostgresStore(input.store) ? { election: input.store } : {}),
  });
}
