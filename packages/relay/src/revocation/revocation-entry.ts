import type { RevocationEntry } from "@ants/protocol";
import type { RevocationRecord } from "../store/relay-store.ts";

/**
 * A log entry as the relay publishes it (docs/spec/revocation.md 4.1): the stored record with
 * absent optional members left out rather than null.
 *
 * @example
 * publishedEntry(record); // { seq: 3, kind: "token", target, reason, at, revoker, request }
 */
export function publishedEntry(record: RevocationRecord): RevocationEntry {
  return {
    seq: record.seq,
    kind: record.kind,
    target: record.target,
    reason: record.reason,
    at: record.at,
    revoker: record.revoker,
    ...(record.compromisedSince === null ? {} : { compromisedSince: record.compromisedSince }),
    ...(record.epoch === null ? {} : { epoch: record.epoch }),
    request: record.request ?? null,
  };
}
