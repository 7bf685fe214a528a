import type { DecisionEntry } from "@ants/protocol";

/** What the relay hands the audit sink for one decision. */
export interface AuditDecision {
  /** The decision entry without `prev`; the sink links it into the actor's chain. */
  entry: Omit<DecisionEntry, "prev">;
  /** The invocation's `jti` and `iat`, kept beside the entry for replay protection. */
  invocationJti: string;
  invocationIat: number;
}

/**
 * Where decisions go before they are answered (DESIGN.md section 6, step 8). `append` resolves
 * only once the entry is durable, with its index. The append-only decision table implements it
 * now; the Merkle audit log replaces it without changing this interface.
 *
 * @example
 * const { index } = await sink.append(decision);
 */
export interface AuditSink {
  append(decision: AuditDecision): Promise<{ index: number }>;
  /** Writes whatever is queued and stops accepting entries. */
  close(): Promise<void>;
}
