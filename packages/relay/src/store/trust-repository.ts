/**
 * The trust engine's durable signals and levels (docs/spec/trust.md 7). Signals are appended as
 * they are accepted and read back once at start to rebuild the in-memory engine; nothing here is
 * read on the authorize path. Times are Unix seconds.
 */

/** A vouch the relay accepted. */
export interface VouchRecord {
  /** Token hash of the statement. */
  hash: string;
  voucher: string;
  vouchee: string;
  level: number;
  issuedAt: number;
  expiresAt: number;
  receivedAt: number;
  /** The signed statement exactly as received (ants-vouch+jwt). */
  statement: string;
}

/** An outcome report the relay counted, with the weight fixed when it was received. */
export interface OutcomeRecord {
  /** Token hash of the statement. */
  hash: string;
  subject: string;
  reporter: string;
  /** Token hash of the invocation reported on. */
  invocation: string;
  success: boolean;
  weight: number;
  at: number;
  /** The signed statement exactly as received (ants-outcome+jwt). */
  statement: string;
}

/** An operator's change to an agent's stake. */
export interface StakeEvent {
  agent: string;
  action: "set" | "slash";
  amount: number;
  operator: string;
  reason: string;
  at: number;
}

/** What survives a restart of one agent's level and standing. */
export interface AgentTrustRecord {
  agent: string;
  level: number;
  changedAt: number;
  holdReason: string | null;
  holdUntil: number | null;
  loginDemandedAt: number | null;
  blocked: boolean;
  penaltyUntil: number | null;
}

/** The trust tables. */
export interface TrustRepository {
  /** Stores a vouch; resolves false when the same statement is already stored. */
  putVouch(vouch: VouchRecord): Promise<boolean>;
  /** Vouches not expired at `now`. */
  listVouches(now: number): Promise<VouchRecord[]>;
  /** Stores an outcome; resolves false when the reporter already reported this invocation. */
  putOutcome(outcome: OutcomeRecord): Promise<boolean>;
  /** Outcomes received at or after `since`. */
  listOutcomes(since: number): Promise<OutcomeRecord[]>;
  /** Marks a heartbeat slot covered (idempotent). */
  putHeartbeatSlot(agent: string, slot: number): Promise<void>;
  /** Covered slots at or after `sinceSlot`. */
  listHeartbeatSlots(sinceSlot: number): Promise<{ agent: string; slot: number }[]>;
  /**
   * Applies a stake change in one transaction (`set` replaces, `slash` subtracts down to 0) and
   * records it; resolves the new stake.
   */
  changeStake(event: StakeEvent): Promise<number>;
  listStakes(): Promise<{ agent: string; amount: number }[]>;
  /** Upserts an agent's level and standing. */
  saveAgent(record: AgentTrustRecord): Promise<void>;
  listAgents(): Promise<AgentTrustRecord[]>;
  /** Every registered agent's registration time and declared instances, for loading at start. */
  listRegistrations(): Promise<{ agent: string; registeredAt: number; instances: number }[]>;
}
