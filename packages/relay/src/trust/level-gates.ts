import { type LevelThresholds, MAX_TRUST_LEVEL, type TrustConfig } from "./trust-config.ts";

/** The separate gates of formula v1, in the order they are explained. */
export const TRUST_GATES = ["evidence", "uptime", "vouch", "stake", "age", "behaviour"] as const;

/** One of {@link TRUST_GATES}. */
export type TrustGate = (typeof TRUST_GATES)[number];

/** Each gate's value: what its thresholds are compared with. */
export type GateValues = Record<TrustGate, number>;

/**
 * The level one value reaches: the highest L whose threshold (L1 to L4) it meets, else 0.
 *
 * @example
 * gateLevel(0.9, [0.4, 0.7, 0.85, 0.95]); // 3
 */
export function gateLevel(value: number, thresholds: LevelThresholds): number {
  let level = 0;
  while (level < MAX_TRUST_LEVEL && value >= thresholds[level]!) level++;
  return level;
}

/** The thresholds a gate is held to; behaviour's value is already a level. */
export function thresholdsOf(gate: TrustGate, config: TrustConfig): LevelThresholds {
  if (gate === "age") return config.thresholds.ageSeconds;
  if (gate === "behaviour") return [1, 2, 3, 4];
  return config.thresholds[gate];
}

/**
 * Every gate's level and the target: their minimum, never a weighted sum, so plenty of one
 * signal cannot make up for the lack of another (docs/spec/trust.md 4).
 *
 * @example
 * const { levels, target } = gateLevels(values, config);
 */
export function gateLevels(
  values: GateValues,
  config: TrustConfig,
): { levels: Record<TrustGate, number>; target: number } {
  const levels = {} as Record<TrustGate, number>;
  let target = MAX_TRUST_LEVEL;
  for (const gate of TRUST_GATES) {
    levels[gate] = gateLevel(values[gate], thresholdsOf(gate, config));
    target = Math.min(target, levels[gate]);
  }
  return { levels, target };
}

/** A published level and when it last changed. */
export interface PublishedLevel {
  level: number;
  changedAt: number;
}

/**
 * Moves a published level toward its target: down at once, up one level at most per period.
 *
 * @example
 * nextLevel({ level: 1, changedAt: 0 }, 3, now, 86_400); // { level: 2, changedAt: now }
 */
export function nextLevel(
  current: PublishedLevel,
  target: number,
  now: number,
  upgradePeriodSeconds: number,
): PublishedLevel {
  if (target < current.level) return { level: target, changedAt: now };
  if (target > current.level && now - current.changedAt >= upgradePeriodSeconds) {
    return { level: current.level + 1, changedAt: now };
  }
  return current;
}
