import type { TrustInputs } from "./agent-trust-state.ts";
import { TRUST_GATES, type TrustGate, thresholdsOf } from "./level-gates.ts";
import { MAX_TRUST_LEVEL, type TrustConfig } from "./trust-config.ts";
import type { TrustEngine } from "./trust-engine.ts";
import { wilsonLowerBound } from "./wilson-bound.ts";

/** One gate, explained (docs/spec/trust.md 6). */
export interface GateExplanation {
  gate: TrustGate;
  level: number;
  value: number;
  /** The thresholds of L1 to L4. */
  thresholds: number[];
  /** The next level's threshold, or null at L4. */
  next: { level: number; threshold: number } | null;
  /** What would raise the gate to its next level; null at L4. */
  raise: string | null;
  detail: Record<string, unknown>;
}

/** The answer of `GET /v1/agents/{id}/trust`. */
export interface TrustExplanation {
  agent: string;
  /** The published level the authorize path uses. */
  level: number;
  /** The minimum over the gates: where the level is heading. */
  target: number;
  formula: number;
  computedAt: number;
  /** The earliest time the level may rise one step, or null when it is at its target. */
  nextUpgradeAt: number | null;
  pinned: number | null;
  seed: boolean;
  hold: { reason: string; until: number } | null;
  loginDemandedAt: number | null;
  /** The gates whose level is the target. */
  limitedBy: TrustGate[];
  gates: GateExplanation[];
}

/**
 * Explains an agent's level at `now`: each gate's value, its thresholds, and what would raise it.
 *
 * @example
 * const explanation = explainTrust(engine, agent, now);
 */
export function explainTrust(engine: TrustEngine, agent: string, now: number): TrustExplanation {
  const inputs = engine.inputsOf(agent, now);
  const config = engine.config;
  const { state } = inputs;
  const gates = TRUST_GATES.map((gate) => explainGate(gate, inputs, config, now));
  const target = Math.min(...gates.map((g) => g.level));
  const level = state.published.level;
  const hold = state.hold !== undefined && state.hold.until > now ? state.hold : undefined;
  return {
    agent,
    level,
    target: inputs.pinned === undefined ? target : Math.min(inputs.pinned, inputs.levels.behaviour),
    formula: config.formula,
    computedAt: now,
    nextUpgradeAt:
      target > level && inputs.pinned === undefined
        ? Math.max(now, state.published.changedAt + config.upgradePeriodSeconds)
        : null,
    pinned: inputs.pinned ?? null,
    seed: inputs.seed,
    hold: hold ?? null,
    loginDemandedAt: state.loginDemandedAt ?? null,
    limitedBy: limitedBy(inputs, gates, target),
    gates,
  };
}

// A pinned level is limited by nothing but a hold; otherwise by the gates at the target.
function limitedBy(inputs: TrustInputs, gates: GateExplanation[], target: number): TrustGate[] {
  if (inputs.pinned !== undefined) return inputs.levels.behaviour === 0 ? ["behaviour"] : [];
  return gates.filter((g) => g.level === target).map((g) => g.gate);
}

function explainGate(
  gate: TrustGate,
  inputs: TrustInputs,
  config: TrustConfig,
  now: number,
): GateExplanation {
  const level = inputs.levels[gate];
  const thresholds = [...thresholdsOf(gate, config)];
  const next =
    level >= MAX_TRUST_LEVEL ? null : { level: level + 1, threshold: thresholds[level]! };
  return {
    gate,
    level,
    value: round(inputs.values[gate]),
    thresholds,
    next,
    raise: next === null ? null : raiseText(gate, inputs, config, next.threshold, now),
    detail: detailOf(gate, inputs),
  };
}

function raiseText(
  gate: TrustGate,
  inputs: TrustInputs,
  config: TrustConfig,
  threshold: number,
  now: number,
): string {
  switch (gate) {
    case "evidence": {
      const more = successesNeeded(inputs, config, threshold);
      const share = Math.round(config.evidence.maxCounterpartyShare * 100);
      return more === undefined
        ? `successful outcomes from more distinct counterparties at L1 or above (at most ${share} % of the weight each)`
        : `about ${more} more successful outcomes at full weight, spread so that no counterparty exceeds ${share} % of the weight`;
    }
    case "uptime": {
      const needed = Math.max(
        1,
        Math.ceil(threshold * inputs.uptime.slots) - inputs.uptime.covered,
      );
      return `heartbeats in ${needed} more of the ${config.uptime.slotSeconds} s slots of the window (POST /v1/heartbeats)`;
    }
    case "vouch":
      return `a vouch of level ${threshold} or higher from an agent the flow from the seeds reaches with spare capacity`;
    case "stake":
      return `a stake of at least ${threshold} recorded by an operator (now ${inputs.state.stake})`;
    case "age": {
      const at = (inputs.state.registeredAt ?? now) + threshold;
      return `time: the agent reaches this age at ${at}`;
    }
    case "behaviour": {
      const until = inputs.state.hold?.until ?? now;
      return `the hold (${inputs.state.hold?.reason ?? "none"}) ends at ${until}`;
    }
  }
}

// How many more full-weight successes from new counterparties would lift the bound.
function successesNeeded(inputs: TrustInputs, config: TrustConfig, threshold: number) {
  const e = inputs.evidence;
  const strongest = e.strongestShare * e.weight;
  for (let more = 1; more <= 100_000; more = Math.ceil(more * 1.1)) {
    const weight = Math.max(
      e.successes + e.failures + more,
      strongest / config.evidence.maxCounterpartyShare,
    );
    if (wilsonLowerBound(e.successes + more, weight, config.evidence.z) >= threshold) return more;
  }
  return undefined;
}

function detailOf(gate: TrustGate, inputs: TrustInputs): Record<string, unknown> {
  switch (gate) {
    case "evidence":
      return roundAll({ ...inputs.evidence });
    case "uptime":
      return roundAll({ ...inputs.uptime });
    case "vouch":
      return { seed: inputs.seed, vouchers: inputs.vouchers.length, blocked: inputs.state.blocked };
    case "stake":
      return { stake: inputs.state.stake };
    case "age":
      return { registeredAt: inputs.state.registeredAt ?? null };
    case "behaviour":
      return {
        hold: inputs.state.hold ?? null,
        declaredInstances: inputs.state.declaredInstances ?? null,
        liveInstances: inputs.state.liveInstances,
        profile: publicProfile(inputs),
      };
  }
}

// The explanation is public: the profile shows rates and counts, never which commands or whom.
function publicProfile(inputs: TrustInputs): Record<string, unknown> | null {
  const profile = inputs.behaviour;
  if (profile === undefined) return null;
  return {
    calls: profile.calls,
    ratePerMinute: round(profile.ratePerMinute),
    baselinePerMinute: round(profile.baselinePerMinute),
    commands: profile.commandMix.length,
    topCommandShare: round(profile.commandMix[0]?.share ?? 0),
    counterparties: profile.counterparties,
    deviating: profile.deviating,
  };
}

function roundAll(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, round(v)]));
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
