import type { AgentTrustState, BehaviourReaction } from "./agent-trust-state.ts";
import { BehaviourProfile, type BehaviourSummary } from "./behaviour-profile.ts";
import type { TrustConfig } from "./trust-config.ts";

/**
 * The behaviour gate's observations (docs/spec/trust.md 4.6): one profile per agent, and the
 * reaction each observation calls for. A sharp deviation first demands a fresh identity login;
 * another within the relogin window, or more live instances than declared, drops the agent.
 *
 * @example
 * const watch = new BehaviourWatch(config.behaviour);
 * watch.observeCall(state, agent, "/social/post", principal, now); // "none" | "relogin" | "drop"
 */
export class BehaviourWatch {
  readonly #config: TrustConfig["behaviour"];
  readonly #profiles = new Map<string, BehaviourProfile>();

  constructor(config: TrustConfig["behaviour"]) {
    this.#config = config;
  }

  /** Updates the agent's profile with one call and says what it calls for. */
  observeCall(
    state: AgentTrustState,
    call: { agent: string; command: string; principal: string; now: number },
  ): BehaviourReaction {
    let profile = this.#profiles.get(call.agent);
    if (profile === undefined) {
      profile = new BehaviourProfile(this.#config, call.now);
      this.#profiles.set(call.agent, profile);
    }
    if (!profile.observe(call.command, call.principal, call.now)) return "none";
    const demanded = state.loginDemandedAt;
    if (demanded !== undefined && call.now - demanded <= this.#config.reloginWindowSeconds) {
      return "drop";
    }
    state.loginDemandedAt = call.now;
    return "relogin";
  }

  /**
   * Live instances against the declared count. A new session for an instance id replaces that
   * instance's old one, so a restart never counts twice; more live instances than declared is a
   * copied key: "drop".
   */
  observeInstances(state: AgentTrustState, declared: number, live: number): BehaviourReaction {
    state.declaredInstances = declared;
    state.liveInstances = live;
    return live > declared ? "drop" : "none";
  }

  /** The agent's profile at `now`, if it made any call. */
  summary(agent: string, now: number): BehaviourSummary | undefined {
    return this.#profiles.get(agent)?.summary(now);
  }
}
