import type { AuditLogStore } from "../audit-log/audit-log-store.ts";
import type { AssertionJtiRepository } from "./assertion-jti-repository.ts";
import type { FirstSeenRepository } from "./first-seen-repository.ts";
import type { HandleRepository } from "./handle-repository.ts";
import type { KeyEventRepository } from "./key-event-repository.ts";
import type { ReplayRepository } from "./replay-repository.ts";
import type { TrustRepository } from "./trust-repository.ts";

/**
 * The relay's one repository interface. Every method returns a Promise even where the embedded
 * SQLite store answers synchronously, so a PostgreSQL store (DESIGN.md section 11) can implement
 * the same contract; the contract tests in test/store/ run against any implementation.
 * Times are Unix seconds.
 */
export interface RelayStore {
  readonly agents: AgentRepository;
  readonly sessions: SessionRepository;
  readonly revocations: RevocationRepository;
  readonly decisions: DecisionRepository;
  readonly pending: PendingRepository;
  /** The audit log's tables: entries, tiles, chain heads, checkpoint, search index. */
  readonly log: AuditLogStore;
  readonly handles: HandleRepository;
  /** When the relay first saw each delegation (docs/spec/revocation.md 3.2). */
  readonly firstSeen: FirstSeenRepository;
  /** Trust signals and levels (docs/spec/trust.md 7). */
  readonly trust: TrustRepository;
  /** Login challenges and claimed invocations, single use across instances (sessions.md 5). */
  readonly replay: ReplayRepository;
  /** OAuth client assertion `jti`s already accepted (docs/oauth.md 2.1). */
  readonly assertionJtis: AssertionJtiRepository;
  /**
   * Agents' key event logs (docs/spec/key-events.md 8). A store without them refuses
   * registrations with an inception and rotations with ERR_NOT_SUPPORTED.
   */
  readonly keyEvents?: KeyEventRepository;
  /** Flushes what is queued and closes the store; later calls fail with ERR_STORE_FAILED. */
  close(): Promise<void>;
}

/** A registered agent. */
export interface AgentRecord {
  /** The agent's DID (did:key of its inception key). */
  id: string;
  /** The agent's current public key, 32 bytes as unpadded base64url. */
  publicKey: string;
  /** The owner's DID, when one was declared. */
  owner: string | null;
  /** Recovery material, kept as opaque JSON text for the recovery issue. */
  recovery: string | null;
  /** How many instances the agent declared it runs. */
  instances: number;
  /** The registration statement exactly as received (compact JWS). */
  registration: string;
  registeredAt: number;
}

/** A session opened by a login. */
export interface SessionRecord {
  /** SHA-256 of the session token's exact bytes, base64url: the session's id. */
  id: string;
  agent: string;
  instance: string;
  /** RFC 7638 thumbprint of the session key (`cnf.jkt`). */
  keyThumbprint: string;
  /** The session public key, 32 bytes as unpadded base64url. */
  publicKey: string;
  /** The session token itself, so a restarted relay can answer with the same token. */
  token: string;
  issuedAt: number;
  expiresAt: number;
  /** Set when the session ended before expiry. */
  endedAt: number | null;
  endReason: "ended" | "replaced" | null;
}

/** An entry of the append-only revocation log (docs/spec/revocation.md 4). */
export interface RevocationRecord {
  /** Sequence number assigned by the store, from 1. */
  seq: number;
  kind: "key" | "token" | "issuer-epoch" | "handle" | "session";
  /** Key id, token hash, issuer DID, canonical handle or session id. */
  target: string;
  reason: string;
  revoker: string;
  at: number;
  /** `key`: when the key is believed compromised, when stated. */
  compromisedSince: number | null;
  /** `issuer-epoch`: tokens of the issuer first seen before this time are refused. */
  epoch: number | null;
  /** The revoker's signed request (ants-rev+jwt); null when the relay wrote the entry itself. */
  request: string | null;
}

/** What {@link RevocationRepository.append} takes: the optional columns may be left out. */
export type RevocationAppend = Omit<
  RevocationRecord,
  "seq" | "compromisedSince" | "epoch" | "request"
> &
  Partial<Pick<RevocationRecord, "compromisedSince" | "epoch" | "request">>;

/** One authorization decision, as written to the append-only decision table. */
export interface DecisionRecord {
  at: number;
  actor: string;
  principal: string | null;
  command: string | null;
  decision: "allow" | "pending" | "deny";
  reason: string | null;
  /** SHA-256 of the invocation's exact bytes, base64url. */
  invocationHash: string;
  /** The invocation's `jti` and `iat`, so replay protection survives a restart. */
  invocationJti: string;
  invocationIat: number;
  /** Token hashes of the chain, root first. */
  chain: string[];
  /** The entry as JSON text (the invocation with its args replaced by their hash). */
  entry: string;
}

/** An authorization waiting for approvals (DESIGN.md section 5, Approvals). */
export interface PendingRecord {
  /** SHA-256 of the invocation's exact bytes, base64url. */
  hash: string;
  actor: string;
  principal: string;
  command: string;
  resource: string;
  /** The request that led here, as JSON text, so it can be decided again without resending. */
  request: string;
  /** Each link's approval requirement, as JSON text: `[{k, of}]`. */
  requirements: string;
  createdAt: number;
  expiresAt: number;
  status: "pending" | "allowed" | "denied";
  /** The final answer as JSON text once decided. */
  outcome: string | null;
}

/** Agents by id. */
export interface AgentRepository {
  /** Inserts an agent; resolves false when the id is already registered. */
  insert(agent: AgentRecord): Promise<boolean>;
  get(id: string): Promise<AgentRecord | undefined>;
}

/** Sessions by id, with one live session per agent instance. */
export interface SessionRepository {
  /**
   * Opens a session, ending the live session of the same agent and instance in the same
   * transaction (DESIGN.md section 4). Resolves the ids of the sessions it replaced.
   */
  open(session: SessionRecord): Promise<string[]>;
  get(id: string): Promise<SessionRecord | undefined>;
  /** Ends a session; resolves false when it was not live. */
  end(id: string, at: number): Promise<boolean>;
  /** An agent's sessions that are neither ended nor expired at `now`. */
  listLive(agent: string, now: number): Promise<SessionRecord[]>;
  /** Every live session, for loading the in-memory map at start (never on a hot path). */
  listAllLive(now: number): Promise<SessionRecord[]>;
}

/** The append-only revocation log. */
export interface RevocationRepository {
  /** Appends an entry durably and resolves it with its sequence number. */
  append(entry: RevocationAppend): Promise<RevocationRecord>;
  /** Entries with a sequence number above `since`, in order. */
  listSince(since: number, limit: number): Promise<RevocationRecord[]>;
  /** The highest sequence number, 0 when the log is empty. */
  head(): Promise<number>;
}

/** The append-only decision table (the audit log replaces it later). */
export interface DecisionRepository {
  /** Appends entries in one durable transaction; resolves their indexes, from 0, in order. */
  append(entries: DecisionRecord[]): Promise<number[]>;
  get(index: number): Promise<(DecisionRecord & { index: number }) | undefined>;
  /** Invocations decided at or after `since`, to rebuild replay protection at start. */
  listInvocationsSince(since: number): Promise<{ actor: string; jti: string; iat: number }[]>;
  /** Each actor's latest entry (index and entry text), to resume per-agent chains at start. */
  listHeads(): Promise<{ actor: string; index: number; entry: string }[]>;
  /** The index the next appended entry gets: the number of entries. */
  nextIndex(): Promise<number>;
}

/** Pending authorizations and their approvals. */
export interface PendingRepository {
  put(record: PendingRecord): Promise<void>;
  get(hash: string): Promise<PendingRecord | undefined>;
  /** Records one approver's approval once; resolves every distinct approver so far. */
  addApproval(hash: string, approver: string, approvalHash: string, at: number): Promise<string[]>;
  listApprovers(hash: string): Promise<string[]>;
  /** Records the final answer; resolves false when it was already decided. */
  decide(hash: string, status: "allowed" | "denied", outcome: string): Promise<boolean>;
}
