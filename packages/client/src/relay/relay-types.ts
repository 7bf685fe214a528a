/** `GET /.well-known/ants-relay` (docs/spec/sessions.md section 1). */
export interface RelayInfo {
  did: string;
  origin: string;
  keys: { kty: string; crv: string; x: string; kid: string; alg: string; use: string }[];
  endpoints: Record<string, string>;
  logOrigin: string;
  /** Checkpoint verifier keys: the signing key's first, then former keys in their overlap. */
  logVerifierKeys?: string[];
}

/** A registered agent's public record. */
export interface AgentRecord {
  id: string;
  publicKeyJwk: { kty: string; crv: string; x: string; kid: string };
  instances: number;
  owner: string | null;
  registeredAt: number;
}

/** The answer to `POST /v1/agents/{id}/events` (docs/spec/key-events.md 8.2). */
export interface KeyEventAppended {
  id: string;
  /** The event's sequence number. */
  seq: number;
  /** The relay's receipt time, Unix seconds: the time that counts for the event. */
  receivedAt: number;
  /** The agent's current key after the event, as a did:key. */
  currentKey: string;
  /** Sequence numbers of the key revocations the event wrote. */
  revocations: number[];
}

/** One gate of a trust explanation (docs/spec/trust.md 6). */
export interface TrustGateExplanation {
  gate: "evidence" | "uptime" | "vouch" | "stake" | "age" | "behaviour";
  level: number;
  value: number;
  /** Thresholds of L1 to L4. */
  thresholds: number[];
  next: { level: number; threshold: number } | null;
  /** What would raise the gate to `next`. */
  raise: string | null;
  detail: Record<string, unknown>;
}

/** `GET /v1/agents/{id}/trust`: an agent's level and why (docs/spec/trust.md 6). */
export interface TrustExplanation {
  agent: string;
  level: number;
  target: number;
  formula: number;
  computedAt: number;
  nextUpgradeAt: number | null;
  pinned: number | null;
  seed: boolean;
  hold: { reason: string; until: number } | null;
  loginDemandedAt: number | null;
  limitedBy: string[];
  gates: TrustGateExplanation[];
}

/** `POST /v1/sessions/challenge`. */
export interface Challenge {
  nonce: string;
  expiresAt: number;
  relay: string;
  origin: string;
}

/** `POST /v1/sessions`. */
export interface SessionGrant {
  session: string;
  sessionId: string;
  expiresAt: number;
  instance: string;
}

/** One approval requirement of a pending decision. */
export interface ApprovalStatus {
  k: number;
  of: string[];
  approvedBy: string[];
}

/** A decision (docs/spec/authorize.md 1.2). */
export interface Decision {
  decision: "allow" | "pending" | "deny";
  invocationHash: string;
  auditIndex: number;
  actor: string;
  principal: string;
  command: string;
  reason?: string;
  detail?: string;
  accessToken?: string;
  accessTokenExpiresAt?: number;
  resource?: string;
  approvals?: ApprovalStatus[];
  expiresAt?: number;
}

/** `POST /v1/approvals`. */
export interface ApprovalResult {
  invocationHash: string;
  approvedBy: string[];
  satisfied: boolean;
}

/** One live session in `GET /v1/agents/{id}/sessions`. */
export interface SessionSummary {
  id: string;
  instance: string;
  issuedAt: number;
  expiresAt: number;
  current: boolean;
}
