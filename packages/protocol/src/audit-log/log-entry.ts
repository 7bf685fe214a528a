/**
 * The audit log's entry schema, version 1 (docs/spec/audit-log.md). Entries are serialised as
 * RFC 8785 canonical JSON; hashes inside entries are base64url without padding, like every other
 * hash in the protocol. Every entry belongs to one agent's chain (`entryAgent`) and names the
 * previous entry of that chain in `prev`, so a dropped entry shows up as a broken link.
 */

/** The schema version written into every entry's `v`. */
export const LOG_ENTRY_VERSION = 1;

/** Largest entry in bytes: the C2SP tlog-tiles entry bundle's uint16 length prefix. */
export const MAX_ENTRY_BYTES = 65_535;

/** The outcomes a decision entry records. */
export const LOG_DECISIONS = ["allow", "deny", "pending"] as const;
export type LogDecision = (typeof LOG_DECISIONS)[number];

/** The kinds of non-decision events the log records. */
export const LOG_EVENT_KINDS = [
  "identity",
  "delegation",
  "revocation",
  "handle",
  "trust",
  "key",
] as const;
export type LogEventKind = (typeof LOG_EVENT_KINDS)[number];

/** A link to the previous entry of the same agent's chain. */
export interface LogEntryPrev {
  /** Index of that entry in the log. */
  readonly index: number;
  /** Its leaf hash, SHA-256(0x00 || entry bytes), base64url. */
  readonly leafHash: string;
}

/** The signed invocation as logged: everything but its arguments, which are hashed. */
export interface RedactedInvocation {
  /** SHA-256 of the exact compact JWS received, base64url: the invocation's identity. */
  readonly hash: string;
  /** The decoded protected header. */
  readonly header: Readonly<Record<string, unknown>>;
  /** The decoded claims with `args` removed. */
  readonly payload: Readonly<Record<string, unknown>>;
  /** SHA-256 of the RFC 8785 canonical JSON of `args`, base64url; null when there were none. */
  readonly argsHash: string | null;
  /** The JWS signature, base64url, as received. */
  readonly signature: string;
}

/** One authorization decision: may `actor` run `cmd` for `principal`, as `instructor` asked? */
export interface DecisionEntry {
  readonly v: typeof LOG_ENTRY_VERSION;
  readonly type: "decision";
  /** Unix seconds, relay clock. */
  readonly time: number;
  /** DID of the relay that decided. */
  readonly relay: string;
  /** DID of the invoking agent; this entry belongs to its chain. */
  readonly actor: string;
  readonly cmd: string;
  /** DID on whose behalf the chain acts (`sub`). */
  readonly principal: string;
  /** DID of the agent whose logged invocation this one carries out (`cause`), else null. */
  readonly instructor: string | null;
  /** DID the chain's leaf delegation names as its audience, null without a chain. */
  readonly delegate: string | null;
  /** Hashes of the delegation tokens, root first, base64url. */
  readonly chain: readonly string[];
  readonly decision: LogDecision;
  /** Stable reason code for deny and pending, null for allow. */
  readonly reason: string | null;
  readonly invocation: RedactedInvocation;
  readonly prev: LogEntryPrev | null;
}

/** An identity, delegation, revocation, handle, trust or key event about `subject`. */
export interface EventEntry {
  readonly v: typeof LOG_ENTRY_VERSION;
  readonly type: "event";
  readonly time: number;
  readonly relay: string;
  readonly event: LogEventKind;
  /** What happened, a lower-case word or kebab-case phrase: "registered", "rotated", ... */
  readonly action: string;
  /** DID of the agent the event is about; this entry belongs to its chain. */
  readonly subject: string;
  /** DID of the agent that caused the event, null when the relay did. */
  readonly actor: string | null;
  /** Event details: identifiers and hashes only, never secrets or payloads. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly prev: LogEntryPrev | null;
}

/** Any entry of the log. */
export type LogEntry = DecisionEntry | EventEntry;

/**
 * The agent whose chain an entry belongs to: the actor of a decision, the subject of an event.
 *
 * @example
 * entryAgent(entry); // "did:key:z6Mk..."
 */
export function entryAgent(entry: LogEntry): string {
  return entry.type === "decision" ? entry.actor : entry.subject;
}
