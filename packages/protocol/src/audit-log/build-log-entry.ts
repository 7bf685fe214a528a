import { createHash } from "node:crypto";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { canonicalJson } from "./canonical-json.ts";
import {
  type DecisionEntry,
  type EventEntry,
  LOG_ENTRY_VERSION,
  type LogDecision,
  type LogEntryPrev,
  type LogEventKind,
  type RedactedInvocation,
} from "./log-entry.ts";

function sha256Base64url(bytes: Uint8Array | string): string {
  return encodeBase64url(createHash("sha256").update(bytes).digest());
}

/**
 * Hashes invocation arguments for the log: SHA-256 over their RFC 8785 canonical JSON,
 * base64url. Anyone holding the arguments can recompute it whatever serialisation they hold.
 * Throws ERR_NUMBER_UNSAFE / ERR_JSON_INVALID for values canonical JSON refuses.
 *
 * @example
 * hashArgs({ text: "hello" }); // "mC1l..."
 */
export function hashArgs(args: unknown): string {
  return sha256Base64url(canonicalJson(args));
}

function decodeJsonPart(part: string, field: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(decodeBase64url(part, field)).toString("utf8"));
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch (cause) {
    throw new ProtocolError("ERR_JWS_MALFORMED", `invocation: ${field} is not JSON`, { cause });
  }
  throw new ProtocolError("ERR_JWS_MALFORMED", `invocation: ${field} is not a JSON object`);
}

/**
 * What a caller that already parsed and hashed the invocation hands over, so the hot path does
 * not decode its claims and hash its bytes a second time. Both must be of the exact `invocation`.
 */
export interface KnownInvocationParts {
  /** The decoded claims, as the strict parser returned them. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** SHA-256 of the exact compact JWS, base64url (`tokenHash`). */
  readonly hash: string;
}

/**
 * Prepares a compact-JWS invocation for the log: decodes its header and claims, removes `args`
 * and records their hash instead, so the log holds no payloads. The invocation's own hash is
 * taken over the exact bytes received. The caller has already verified the invocation; this
 * only reshapes it, reusing `known` claims and hash when given. Throws ERR_JWS_MALFORMED.
 *
 * @example
 * redactInvocation(compactJws).argsHash; // "mC1l..."
 */
export function redactInvocation(
  compact: string,
  known?: KnownInvocationParts,
): RedactedInvocation {
  const parts = typeof compact === "string" ? compact.split(".") : [];
  if (parts.length !== 3) {
    throw new ProtocolError("ERR_JWS_MALFORMED", "invocation: expected three JWS parts");
  }
  const header = decodeJsonPart(parts[0]!, "header");
  const { args, ...payload } = known?.payload ?? decodeJsonPart(parts[1]!, "payload");
  if (!/^[A-Za-z0-9_-]{86}$/.test(parts[2]!)) {
    throw new ProtocolError(
      "ERR_JWS_MALFORMED",
      "invocation: signature is not 64 bytes of base64url",
    );
  }
  return {
    hash: known?.hash ?? sha256Base64url(compact),
    header,
    payload,
    argsHash: args === undefined ? null : hashArgs(args),
    signature: parts[2]!,
  };
}

/** What the relay knows when it records a decision. */
export interface DecisionEntryInput {
  readonly time: number;
  readonly relay: string;
  readonly actor: string;
  readonly cmd: string;
  readonly principal: string;
  readonly instructor?: string | null;
  readonly delegate?: string | null;
  readonly chain: readonly string[];
  readonly decision: LogDecision;
  readonly reason?: string | null;
  /** The invocation as received, compact JWS. */
  readonly invocation: string;
  /** Its claims and hash when the caller already has them (see {@link KnownInvocationParts}). */
  readonly invocationParts?: KnownInvocationParts;
  readonly prev?: LogEntryPrev | null;
}

/**
 * Builds a version-1 decision entry, replacing the invocation's `args` by their hash. Optional
 * fields default to null. Encode it with `encodeLogEntry`, which enforces the size cap.
 *
 * @example
 * const entry = buildDecisionEntry({ time, relay, actor, cmd, principal, chain: [],
 *   decision: "allow", invocation: compactJws, prev: null });
 */
export function buildDecisionEntry(input: DecisionEntryInput): DecisionEntry {
  return {
    v: LOG_ENTRY_VERSION,
    type: "decision",
    time: input.time,
    relay: input.relay,
    actor: input.actor,
    cmd: input.cmd,
    principal: input.principal,
    instructor: input.instructor ?? null,
    delegate: input.delegate ?? null,
    chain: [...input.chain],
    decision: input.decision,
    reason: input.reason ?? null,
    invocation: redactInvocation(input.invocation, input.invocationParts),
    prev: input.prev ?? null,
  };
}

/** What the relay knows when it records an event. */
export interface EventEntryInput {
  readonly time: number;
  readonly relay: string;
  readonly event: LogEventKind;
  readonly action: string;
  readonly subject: string;
  readonly actor?: string | null;
  readonly data?: Readonly<Record<string, unknown>>;
  readonly prev?: LogEntryPrev | null;
}

/**
 * Builds a version-1 event entry. `data` defaults to {}.
 *
 * @example
 * buildEventEntry({ time, relay, event: "key", action: "rotated", subject: agentDid,
 *   data: { kid: newKid }, prev });
 */
export function buildEventEntry(input: EventEntryInput): EventEntry {
  return {
    v: LOG_ENTRY_VERSION,
    type: "event",
    time: input.time,
    relay: input.relay,
    event: input.event,
    action: input.action,
    subject: input.subject,
    actor: input.actor ?? null,
    data: { ...(input.data ?? {}) },
    prev: input.prev ?? null,
  };
}
