import {
  type AgentTrustState,
  type BehaviourReaction,
  type LevelChange,
  newAgentTrustState,
  type TrustInputs,
} from "./agent-trust-state.ts";
import { BehaviourWatch } from "./behaviour-watch.ts";
import { EvidenceLedger } from "./evidence-ledger.ts";
import {
  type GateValues,
  gateLevels,
  nextLevel,
  type PublishedLevel,
  TRUST_GATES,
} from "./level-gates.ts";
import { MAX_TRUST_LEVEL, type TrustConfig } from "./trust-config.ts";
import { UptimeWindow } from "./uptime-window.ts";
import { type VouchEdge, VouchGraph } from "./vouch-graph.ts";

/**
 * The trust engine (docs/spec/trust.md 4), in memory and free of I/O: every signal updates its
 * agent in O(1) (the vouch flow is recomputed once per refresh when the graph changed), and
 * {@link TrustEngine.levelOf} is one Map lookup for the authorize path. Time comes from the
 * caller. Levels move through {@link TrustEngine.refresh}, which reports each change.
 *
 * @example
 * const engine = new TrustEngine(resolveTrustConfig({ seeds: [root] }));
 * engine.addVouch(edge);
 * engine.refresh(now);
 * engine.levelOf(agent); // 0..4
 */
export class TrustEngine {
  readonly config: TrustConfig;
  readonly evidence: EvidenceLedger;
  readonly uptime: UptimeWindow;
  readonly graph = new VouchGraph();
  readonly behaviour: BehaviourWatch;
  readonly #levels = new Map<string, number>();
  readonly #agents = new Map<string, AgentTrustState>();
  readonly #dirty = new Set<string>();
  readonly #seeds: Set<string>;
  #vouchLevels = new Map<string, number>();
  #flowDirty = true;
  #flowValidUntil = Number.POSITIVE_INFINITY;

  constructor(config: TrustConfig) {
    this.config = config;
    this.evidence = new EvidenceLedger(config.evidence);
    this.uptime = new UptimeWindow(config.uptime);
    this.behaviour = new BehaviourWatch(config.behaviour);
    this.#seeds = new Set(config.seeds);
    // Pinned levels apply from the first refresh, before the agent is ever seen.
    for (const agent of Object.keys(config.pinned)) this.touch(agent);
  }

  /** The published level: a Map lookup, 0 for an agent never seen. */
  levelOf(agent: string): number {
    return this.#levels.get(agent) ?? 0;
  }

  /** The agent's state, created at L0 on first sight. */
  state(agent: string): AgentTrustState {
    let state = this.#agents.get(agent);
    if (state === undefined) {
      state = newAgentTrustState();
      this.#agents.set(agent, state);
    }
    return state;
  }

  /** Marks an agent for re-evaluation at the next refresh. */
  touch(agent: string): void {
    this.#dirty.add(agent);
  }

  /** Records the registration time and declared instances of an agent. */
  know(agent: string, registeredAt: number, declaredInstances?: number): void {
    const state = this.state(agent);
    state.registeredAt = registeredAt;
    if (declaredInstances !== undefined) state.declaredInstances = declaredInstances;
    this.touch(agent);
  }

  /** Restores a published level kept in the store, so a restart does not reset upgrades. */
  restoreLevel(agent: string, published: PublishedLevel): void {
    this.state(agent).published = { ...published };
    this.#publish(agent, published.level);
    this.touch(agent);
  }

  /** The weight of a report by `reporter`: by its published level, fixed when received. */
  reporterWeight(reporter: string): number {
    return this.config.evidence.reporterWeights[this.levelOf(reporter)] ?? 0;
  }

  /** Adds an outcome at the given weight. */
  recordOutcome(report: {
    subject: string;
    reporter: string;
    success: boolean;
    weight: number;
    at: number;
  }): void {
    this.evidence.record(report);
    this.touch(report.subject);
  }

  /** Records a heartbeat; true when it covered a new slot. */
  recordHeartbeat(agent: string, at: number): boolean {
    const covered = this.uptime.record(agent, at);
    if (covered) this.touch(agent);
    return covered;
  }

  /** Adds a vouch; the flow is recomputed at the next refresh. */
  addVouch(edge: VouchEdge): boolean {
    const added = this.graph.add(edge);
    if (added) this.#flowDirty = true;
    return added;
  }

  /** Drops a vouch (revoked statement). */
  removeVouch(hash: string): boolean {
    const removed = this.graph.remove(hash);
    if (removed) this.#flowDirty = true;
    return removed;
  }

  /** Sets the agent's stake; a lower stake takes effect at the next refresh, which is at once. */
  setStake(agent: string, amount: number): void {
    this.state(agent).stake = amount;
    this.touch(agent);
  }

  /**
   * An agent was revoked for misbehaviour: it gets and passes no vouch credit, and each agent
   * vouching for it keeps only `penaltyFactor` of its capacity until `now + penaltySeconds`.
   * Returns the penalised vouchers.
   */
  markMisbehaved(agent: string, now: number): string[] {
    this.state(agent).blocked = true;
    const until = now + this.config.vouch.penaltySeconds;
    const vouchers = this.graph.vouchersOf(agent, now);
    for (const voucher of vouchers) {
      const state = this.state(voucher);
      state.penaltyUntil = Math.max(state.penaltyUntil ?? 0, until);
    }
    this.#flowDirty = true;
    this.touch(agent);
    return vouchers;
  }

  /** One authorized call, for the behaviour profile (see BehaviourWatch.observeCall). */
  observeCall(agent: string, command: string, principal: string, now: number): BehaviourReaction {
    return this.behaviour.observeCall(this.state(agent), { agent, command, principal, now });
  }

  /** Live instances against the declared count (see BehaviourWatch.observeInstances). */
  observeInstances(agent: string, declared: number, live: number): BehaviourReaction {
    return this.behaviour.observeInstances(this.state(agent), declared, live);
  }

  /** Drops the agent to L0 at once and holds it there for `holdSeconds`. */
  hold(agent: string, reason: string, now: number): LevelChange | undefined {
    const state = this.state(agent);
    state.hold = { reason, until: now + this.config.behaviour.holdSeconds };
    return this.#evaluate(agent, now, reason);
  }

  /**
   * Recomputes what changed: the vouch flow when the graph, a penalty or an expiry changed, then
   * every agent touched since the last refresh (or every agent with `all`, for time-driven
   * changes: decay, the sliding window, age, upgrades). Returns the level changes.
   */
  refresh(now: number, options: { all?: boolean } = {}): LevelChange[] {
    if (now >= this.#flowValidUntil) this.#flowDirty = true;
    if (this.#flowDirty) this.#recomputeFlow(now);
    const agents = options.all ? [...this.#agents.keys()] : [...this.#dirty];
    this.#dirty.clear();
    const changes: LevelChange[] = [];
    for (const agent of agents) {
      const change = this.#evaluate(agent, now, "recomputed");
      if (change !== undefined) changes.push(change);
    }
    return changes;
  }

  /** Every input of the agent's level at `now`, for the explanation. */
  inputsOf(agent: string, now: number): TrustInputs {
    const { state, values, evidence, uptime } = this.#measure(agent, now);
    return {
      state,
      values,
      levels: gateLevels(values, this.config).levels,
      evidence,
      uptime,
      behaviour: this.behaviour.summary(agent, now),
      pinned: this.config.pinned[agent],
      seed: this.#seeds.has(agent),
      vouchers: this.graph.vouchersOf(agent, now),
    };
  }

  // The gate values alone: what an evaluation needs, without the explanation's extras.
  #measure(agent: string, now: number) {
    const state = this.state(agent);
    const evidence = this.evidence.summary(agent, now);
    const uptime = this.uptime.summary(agent, state.registeredAt ?? now, now);
    const values: GateValues = {
      evidence: evidence.value,
      uptime: state.registeredAt === undefined ? 0 : uptime.value,
      vouch: this.#seeds.has(agent) ? MAX_TRUST_LEVEL : (this.#vouchLevels.get(agent) ?? 0),
      stake: state.stake,
      age: state.registeredAt === undefined ? 0 : Math.max(0, now - state.registeredAt),
      behaviour: state.hold !== undefined && state.hold.until > now ? 0 : MAX_TRUST_LEVEL,
    };
    return { state, values, evidence, uptime };
  }

  #evaluate(agent: string, now: number, reason: string): LevelChange | undefined {
    const { state, values } = this.#measure(agent, now);
    const { levels } = gateLevels(values, this.config);
    const pinned = this.config.pinned[agent];
    // A pinned level is the operator's word: it applies at once, and only a hold overrides it.
    const target =
      pinned === undefined
        ? Math.min(...TRUST_GATES.map((gate) => levels[gate]))
        : Math.min(pinned, levels.behaviour);
    state.target = target;
    const from = state.published.level;
    state.published =
      pinned === undefined
        ? nextLevel(state.published, target, now, this.config.upgradePeriodSeconds)
        : { level: target, changedAt: target === from ? state.published.changedAt : now };
    this.#publish(agent, state.published.level);
    if (state.published.level === from) return undefined;
    const limitedBy = TRUST_GATES.filter((gate) => levels[gate] === target);
    return { agent, from, to: state.published.level, target, limitedBy, reason };
  }

  #publish(agent: string, level: number): void {
    if (level > 0) this.#levels.set(agent, level);
    else this.#levels.delete(agent);
  }

  #recomputeFlow(now: number): void {
    this.graph.expire(now);
    let validUntil = this.graph.nextExpiry();
    const share = (agent: string): number => {
      const state = this.#agents.get(agent);
      if (state === undefined) return 1;
      if (state.blocked) return 0;
      if (state.penaltyUntil === undefined || state.penaltyUntil <= now) return 1;
      validUntil = Math.min(validUntil, state.penaltyUntil);
      return this.config.vouch.penaltyFactor;
    };
    const previous = this.#vouchLevels;
    const seeds = this.config.seeds;
    const capacities = this.config.vouch.capacities;
    this.#vouchLevels = this.graph.computeLevels({ seeds, capacities, capacityShare: share }, now);
    for (const agent of new Set([...previous.keys(), ...this.#vouchLevels.keys()])) {
      if (previous.get(agent) !== this.#vouchLevels.get(agent)) this.touch(agent);
    }
    this.#flowDirty = false;
    this.#flowValidUntil = validUntil;
  }
}
