import { addDecayed, type DecayedSum, decayedValue } from "./decayed-sum.ts";
import type { TrustConfig } from "./trust-config.ts";

/** Distinct commands and counterparties kept per agent; the rest count as "other". */
const MAX_TRACKED = 32;
const OTHER = "(other)";

/** What the behaviour gate shows of one agent's calls (docs/spec/trust.md 4.6). */
export interface BehaviourSummary {
  calls: number;
  /** Calls a minute: the short-term rate and the baseline. */
  ratePerMinute: number;
  baselinePerMinute: number;
  /** Share of calls per command, most used first. */
  commandMix: { command: string; share: number }[];
  /** Distinct principals the agent acted for. */
  counterparties: number;
  /** True while the short-term rate is a sharp deviation from the baseline. */
  deviating: boolean;
}

/**
 * One agent's behaviour, updated in O(1) on every authorized call: a short-term and a baseline
 * call rate (decaying counts), calls per command and per principal. A sharp deviation is a
 * short-term rate `spikeFactor` times the baseline once the profile is mature; `observe` reports
 * it once when it starts, not on every call while it lasts.
 *
 * @example
 * const profile = new BehaviourProfile(config.behaviour, now);
 * if (profile.observe("/social/post", principal, now)) demandFreshLogin();
 */
export class BehaviourProfile {
  readonly #config: TrustConfig["behaviour"];
  readonly #firstAt: number;
  readonly #fast: DecayedSum;
  readonly #slow: DecayedSum;
  readonly #commands = new Map<string, number>();
  readonly #principals = new Map<string, number>();
  #calls = 0;
  #deviating = false;

  constructor(config: TrustConfig["behaviour"], firstAt: number) {
    this.#config = config;
    this.#firstAt = firstAt;
    this.#fast = { value: 0, at: firstAt };
    this.#slow = { value: 0, at: firstAt };
  }

  /** Records one call; true when it starts a sharp deviation. */
  observe(command: string, principal: string, now: number): boolean {
    this.#calls++;
    addDecayed(this.#fast, 1, now, this.#config.fastSeconds);
    addDecayed(this.#slow, 1, now, this.#config.slowSeconds);
    count(this.#commands, command);
    count(this.#principals, principal);
    const deviating = this.#isDeviating(now);
    const started = deviating && !this.#deviating;
    this.#deviating = deviating;
    return started;
  }

  /** The profile at `now`. */
  summary(now: number): BehaviourSummary {
    const mix = [...this.#commands.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([command, calls]) => ({ command, share: calls / Math.max(1, this.#calls) }));
    return {
      calls: this.#calls,
      ratePerMinute: this.#rate(this.#fast, this.#config.fastSeconds, now) * 60,
      baselinePerMinute: this.#rate(this.#slow, this.#config.slowSeconds, now) * 60,
      commandMix: mix,
      counterparties: this.#principals.size,
      deviating: this.#deviating && this.#isDeviating(now),
    };
  }

  #isDeviating(now: number): boolean {
    const c = this.#config;
    if (this.#calls < c.minCalls || now - this.#firstAt < c.minProfileSeconds) return false;
    const fast = this.#rate(this.#fast, c.fastSeconds, now);
    const slow = this.#rate(this.#slow, c.slowSeconds, now);
    return fast * 60 >= c.minRatePerMinute && fast > c.spikeFactor * slow;
  }

  // A count decaying with half-life h, fed at rate r for t seconds, is r * h / ln 2 * (1 - 2^(-t/h)):
  // dividing by that factor gives the rate per second without favouring a young profile.
  #rate(sum: DecayedSum, halfLife: number, now: number): number {
    const observed = Math.max(1, now - this.#firstAt);
    const settled = 1 - 2 ** (-observed / halfLife);
    return (decayedValue(sum, now, halfLife) * Math.LN2) / (halfLife * settled);
  }
}

function count(map: Map<string, number>, key: string): void {
  const name = map.has(key) || map.size < MAX_TRACKED ? key : OTHER;
  map.set(name, (map.get(name) ?? 0) + 1);
}
