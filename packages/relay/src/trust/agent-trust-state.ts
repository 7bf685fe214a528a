import type { BehaviourSummary } from "./behaviour-profile.ts";
import type { EvidenceSummary } from "./evidence-ledger.ts";
import type { GateValues, PublishedLevel, TrustGate } from "./level-gates.ts";
import type { UptimeSummary } from "./uptime-window.ts";

/** What the trust engine keeps of one agent besides its signals. */
export interface AgentTrustState {
  registeredAt: number | undefined;
  published: PublishedLevel;
  target: number;
  stake: number;
  /** A drop to L0 in force (copied key, repeated deviation) and until when. */
  hold: { reason: string; until: number } | undefined;
  /** When the relay last demanded a fresh identity login after a deviation. */
  loginDemandedAt: number | undefined;
  /** Revoked for misbehaviour: passes no vouch credit and gets none. */
  blocked: boolean;
  /** As a voucher of a misbehaving agent: capacity reduced until then. */
  penaltyUntil: number | undefined;
  declaredInstances: number | undefined;
  liveInstances: number;
}

/**
 * A new agent's state: L0, nothing observed yet.
 *
 * @example
 * const state = newAgentTrustState();
 */
export function newAgentTrustState(): AgentTrustState {
  return {
    registeredAt: undefined,
    published: { level: 0, changedAt: 0 },
    target: 0,
    stake: 0,
    hold: undefined,
    loginDemandedAt: undefined,
    blocked: false,
    penaltyUntil: undefined,
    declaredInstances: undefined,
    liveInstances: 0,
  };
}

/** A published level that moved. */
export interface LevelChange {
  agent: string;
  from: number;
  to: number;
  target: number;
  /** The gates at the target: what holds the agent down. */
  limitedBy: TrustGate[];
  reason: string;
}

/** The reaction a behaviour observation calls for. */
export type BehaviourReaction = "none" | "relogin" | "drop";

/** Everything the explanation shows of one agent. */
export interface TrustInputs {
  state: AgentTrustState;
  values: GateValues;
  levels: Record<TrustGate, number>;
  evidence: EvidenceSummary;
  uptime: UptimeSummary;
  behaviour: BehaviourSummary | undefined;
  pinned: number | undefined;
  seed: boolean;
  vouchers: string[];
}
