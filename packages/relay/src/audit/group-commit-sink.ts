import { encodeBase64url, encodeLogEntry, type LogEntryPrev, leafHash } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { DecisionRecord, DecisionRepository } from "../store/relay-store.ts";
import type { AuditDecision, AuditSink } from "./audit-sink.ts";

/** Options for {@link openGroupCommitSink}. */
export interface GroupCommitOptions {
  /** Longest a queued entry waits for its batch, in milliseconds. Default 2. */
  maxDelayMs?: number;
  /** Most entries written in one transaction. Default 256. */
  maxBatch?: number;
}

interface Queued {
  decision: AuditDecision;
  resolve: (value: { index: number }) => void;
  reject: (error: unknown) => void;
}

/**
 * An audit sink over the decision table that commits in groups: entries queue in memory and
 * are written in one `synchronous=FULL` transaction when the batch fills or the delay passes, so
 * one fsync covers many concurrent requests; each request's promise resolves only after its
 * batch is durable. Entries are chained per actor (`prev`: the index and leaf hash of the
 * actor's previous entry), as the audit log requires.
 *
 * @example
 * const sink = await openGroupCommitSink(store.decisions);
 * const { index } = await sink.append({ entry, invocationJti, invocationIat });
 */
export async function openGroupCommitSink(
  decisions: DecisionRepository,
  options: GroupCommitOptions = {},
): Promise<AuditSink> {
  const maxDelayMs = options.maxDelayMs ?? 2;
  const maxBatch = options.maxBatch ?? 256;
  let nextIndex = await decisions.nextIndex();
  const heads = new Map<string, LogEntryPrev>();
  for (const head of await decisions.listHeads()) {
    heads.set(head.actor, { index: head.index, leafHash: hashOf(Buffer.from(head.entry)) });
  }
  let queue: Queued[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = Promise.resolve();
  let closed = false;

  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return flushing;
    // Batches are written one after another, so indexes follow commit order.
    flushing = flushing.then(() => writeBatch(batch));
    return flushing;
  };

  const writeBatch = async (batch: Queued[]): Promise<void> => {
    const records = batch.map(({ decision }) => link(decision, nextIndex++, heads));
    try {
      const indexes = await decisions.append(records.map(({ record }) => record));
      for (const [i, queued] of batch.entries()) queued.resolve({ index: indexes[i]! });
    } catch (cause) {
      // Nothing of the batch was acknowledged; the chain heads stay where the table is.
      nextIndex -= batch.length;
      for (const { actor, previous } of records.reverse()) {
        if (previous === undefined) heads.delete(actor);
        else heads.set(actor, previous);
      }
      const error = new RelayError("ERR_STORE_FAILED", "audit: could not write decisions", {
        cause,
      });
      for (const queued of batch) queued.reject(error);
    }
  };

  return {
    append: (decision) =>
      new Promise((resolve, reject) => {
        if (closed) {
          reject(new RelayError("ERR_UNAVAILABLE", "audit: the relay is shutting down"));
          return;
        }
        queue.push({ decision, resolve, reject });
        if (queue.length >= maxBatch) void flush();
        else timer ??= setTimeout(flush, maxDelayMs);
      }),
    close: async () => {
      closed = true;
      await flush();
    },
  };
}

function link(decision: AuditDecision, index: number, heads: Map<string, LogEntryPrev>) {
  const actor = decision.entry.actor;
  const previous = heads.get(actor);
  const bytes = encodeLogEntry({ ...decision.entry, prev: previous ?? null });
  heads.set(actor, { index, leafHash: hashOf(bytes) });
  const record: DecisionRecord = {
    at: decision.entry.time,
    actor,
    principal: decision.entry.principal,
    command: decision.entry.cmd,
    decision: decision.entry.decision,
    reason: decision.entry.reason,
    invocationHash: decision.entry.invocation.hash,
    invocationJti: decision.invocationJti,
    invocationIat: decision.invocationIat,
    chain: [...decision.entry.chain],
    entry: Buffer.from(bytes).toString("utf8"),
  };
  return { record, actor, previous };
}

function hashOf(bytes: Uint8Array): string {
  return encodeBase64url(leafHash(bytes));
}
