import type { DecisionAppend } from "../audit-log/audit-log.ts";

/** What the relay hands the audit sink for one decision: the entry and its addressee. */
export type AuditDecision = DecisionAppend;

/**
 * Where decisions go before they are answered (DESIGN.md section 6, step 8). `append` resolves
 * only once the entry is durable, with its index. The Merkle audit log implements it.
 *
 * @example
 * const { index } = await sink.append(decision);
 */
export interface AuditSink {
  append(decision: AuditDecision): Promise<{ index: number }>;
  /** Writes whatever is queued and stops accepting entries. */
  close(): Promise<void>;
}
