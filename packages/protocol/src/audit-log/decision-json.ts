import { canonicalJson } from "./canonical-json.ts";
import type { DecisionEntry, LogEntryPrev, RedactedInvocation } from "./log-entry.ts";

// RFC 8785 section 3.2.3 orders members by the UTF-16 code units of their names. A decision
// entry's members are fixed by its schema (assertLogEntry refuses any other), so their order is
// written out here once instead of sorted per entry: the audit sequencer encodes every decision
// on its hot path. The open objects (invocation header and payload) still go through
// canonicalJson. Test: canonicalJson(entry) === decisionEntryJson(entry) for any valid entry.

/**
 * The RFC 8785 canonical JSON of a decision entry that `assertLogEntry` accepted: byte for byte
 * what `canonicalJson(entry)` returns, without sorting the fixed members.
 *
 * @example
 * assertLogEntry(entry);
 * const text = decisionEntryJson(entry); // '{"actor":"did:key:...","chain":[...],...}'
 */
export function decisionEntryJson(entry: DecisionEntry): string {
  return (
    `{"actor":${canonicalJson(entry.actor)},"chain":${canonicalJson(entry.chain)}` +
    `,"cmd":${canonicalJson(entry.cmd)},"decision":${canonicalJson(entry.decision)}` +
    `,"delegate":${canonicalJson(entry.delegate)}` +
    `,"instructor":${canonicalJson(entry.instructor)}` +
    `,"invocation":${invocationJson(entry.invocation)},"prev":${prevJson(entry.prev)}` +
    `,"principal":${canonicalJson(entry.principal)},"reason":${canonicalJson(entry.reason)}` +
    `,"relay":${canonicalJson(entry.relay)},"time":${canonicalJson(entry.time)}` +
    `,"type":"decision","v":${canonicalJson(entry.v)}}`
  );
}

function invocationJson(invocation: RedactedInvocation): string {
  return (
    `{"argsHash":${canonicalJson(invocation.argsHash)},"hash":${canonicalJson(invocation.hash)}` +
    `,"header":${canonicalJson(invocation.header)}` +
    `,"payload":${canonicalJson(invocation.payload)}` +
    `,"signature":${canonicalJson(invocation.signature)}}`
  );
}

function prevJson(prev: LogEntryPrev | null): string {
  return prev === null
    ? "null"
    : `{"index":${canonicalJson(prev.index)},"leafHash":${canonicalJson(prev.leafHash)}}`;
}
