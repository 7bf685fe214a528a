import { RelayError } from "../errors/relay-error.ts";

/** The version of the formula below (docs/spec/trust.md 4); it changes whenever its rules do. */
export const TRUST_FORMULA_VERSION = 1;
/** The highest level, L4. */
export const MAX_TRUST_LEVEL = 4;

/** What a gate's value must reach for L1, L2, L3 and L4, in that order (non-decreasing). */
export type LevelThresholds = readonly [number, number, number, number];

/** Formula v1's parameters (docs/spec/trust.md 5), every one from configuration. */
export interface TrustConfig {
  formula: typeof TRUST_FORMULA_VERSION;
  /** Agents the vouch flow starts from. */
  seeds: readonly string[];
  /** Levels the operator assigns outright (its own services, resource servers). */
  pinned: Readonly<Record<string, number>>;
  /** Upgrades move at most one level per this many seconds; downgrades are immediate. */
  upgradePeriodSeconds: number;
  thresholds: {
    /** Wilson lower bound of the weighted success ratio. */
    evidence: LevelThresholds;
    /** Share of heartbeat slots covered in the window. */
    uptime: LevelThresholds;
    /** The highest vouch level whose flow certifies the agent (1 to 4). */
    vouch: LevelThresholds;
    /** Stake recorded by the operator, in the operator's unit. */
    stake: LevelThresholds;
    /** Seconds since registration. */
    ageSeconds: LevelThresholds;
  };
  evidence: {
    successHalfLifeSeconds: number;
    failureHalfLifeSeconds: number;
    /** How many successes one failure weighs. */
    failureWeight: number;
    /** The most of the weight any one counterparty may supply (one fifth). */
    maxCounterpartyShare: number;
    /** The normal quantile of the Wilson bound (1.96: 95 % two-sided). */
    z: number;
    /** A report's weight by the reporter's level L0 to L4. */
    reporterWeights: readonly [number, number, number, number, number];
    /** How long after an authorized action its outcome may be reported. */
    actionWindowSeconds: number;
  };
  uptime: { slotSeconds: number; windowSeconds: number };
  vouch: {
    /** Node capacity by distance from the seeds: seeds first; the last value continues. */
    capacities: readonly number[];
    /** A voucher whose vouchee was revoked for misbehaviour keeps this share of its capacity. */
    penaltyFactor: number;
    penaltySeconds: number;
  };
  behaviour: {
    /** Half-lives of the short-term and baseline call rates. */
    fastSeconds: number;
    slowSeconds: number;
    /** A short-term rate this many times the baseline is a sharp deviation... */
    spikeFactor: number;
    /** ...once the profile holds this many calls over at least minProfileSeconds... */
    minCalls: number;
    minProfileSeconds: number;
    /** ...and the short-term rate is at least this many calls a minute. */
    minRatePerMinute: number;
    /** How long a drop to L0 holds (copied key, repeated deviation). */
    holdSeconds: number;
    /** A second deviation within this long after a demanded login drops the agent to L0. */
    reloginWindowSeconds: number;
  };
}

/** Configuration as given: every member optional, defaults from {@link DEFAULT_TRUST_CONFIG}. */
export interface TrustOptions {
  seeds?: readonly string[];
  pinned?: Readonly<Record<string, number>>;
  upgradePeriodSeconds?: number;
  thresholds?: Partial<TrustConfig["thresholds"]>;
  evidence?: Partial<TrustConfig["evidence"]>;
  uptime?: Partial<TrustConfig["uptime"]>;
  vouch?: Partial<TrustConfig["vouch"]>;
  behaviour?: Partial<TrustConfig["behaviour"]>;
}

const DAY = 86_400;

/** Formula v1's defaults (docs/spec/trust.md 5). */
export const DEFAULT_TRUST_CONFIG: TrustConfig = {
  formula: TRUST_FORMULA_VERSION,
  seeds: [],
  pinned: {},
  upgradePeriodSeconds: DAY,
  thresholds: {
    evidence: [0.4, 0.7, 0.85, 0.95],
    uptime: [0, 0.5, 0.9, 0.99],
    vouch: [1, 2, 3, 4],
    stake: [0, 0, 100, 1000],
    ageSeconds: [0, DAY, 7 * DAY, 30 * DAY],
  },
  evidence: {
    successHalfLifeSeconds: 30 * DAY,
    failureHalfLifeSeconds: 180 * DAY,
    failureWeight: 3,
    maxCounterpartyShare: 0.2,
    z: 1.96,
    reporterWeights: [0, 0.25, 0.5, 0.75, 1],
    actionWindowSeconds: DAY,
  },
  uptime: { slotSeconds: 300, windowSeconds: 7 * DAY },
  vouch: { capacities: [800, 200, 50, 12, 4, 2, 1], penaltyFactor: 0.25, penaltySeconds: 30 * DAY },
  behaviour: {
    fastSeconds: 60,
    slowSeconds: DAY,
    spikeFactor: 20,
    minCalls: 200,
    minProfileSeconds: 3600,
    minRatePerMinute: 30,
    holdSeconds: 7 * DAY,
    reloginWindowSeconds: DAY,
  },
};

/**
 * Merges options over the defaults and checks them. Throws ERR_CONFIG_INVALID naming the member.
 *
 * @example
 * const config = resolveTrustConfig({ seeds: [operatorAgent], upgradePeriodSeconds: 3600 });
 */
export function resolveTrustConfig(options: TrustOptions = {}): TrustConfig {
  const d = DEFAULT_TRUST_CONFIG;
  const config: TrustConfig = {
    formula: TRUST_FORMULA_VERSION,
    seeds: [...(options.seeds ?? d.seeds)],
    pinned: { ...(options.pinned ?? d.pinned) },
    upgradePeriodSeconds: options.upgradePeriodSeconds ?? d.upgradePeriodSeconds,
    thresholds: { ...d.thresholds, ...options.thresholds },
    evidence: { ...d.evidence, ...options.evidence },
    uptime: { ...d.uptime, ...options.uptime },
    vouch: { ...d.vouch, ...options.vouch },
    behaviour: { ...d.behaviour, ...options.behaviour },
  };
  checkConfig(config);
  return config;
}

function checkConfig(config: TrustConfig): void {
  for (const seed of config.seeds) if (!isDid(seed)) invalid("seeds", "DIDs");
  for (const [did, level] of Object.entries(config.pinned)) {
    if (!isDid(did) || !isLevel(level)) invalid("pinned", "DID to a level 0 to 4");
  }
  for (const [name, list] of Object.entries(config.thresholds)) {
    if (!isThresholds(list)) invalid(`thresholds.${name}`, "4 non-decreasing numbers");
  }
  if (!(config.upgradePeriodSeconds >= 0)) invalid("upgradePeriodSeconds", "0 or more seconds");
  const e = config.evidence;
  const weightsOk = e.reporterWeights.length === 5 && e.reporterWeights.every(isUnit);
  if (!weightsOk) invalid("evidence.reporterWeights", "5 numbers from 0 to 1");
  if (!(e.maxCounterpartyShare > 0 && e.maxCounterpartyShare <= 1)) {
    invalid("evidence.maxCounterpartyShare", "a share above 0, at most 1");
  }
  const positives: [string, number][] = [
    ["evidence.successHalfLifeSeconds", e.successHalfLifeSeconds],
    ["evidence.failureHalfLifeSeconds", e.failureHalfLifeSeconds],
    ["evidence.failureWeight", e.failureWeight],
    ["evidence.z", e.z],
    ["evidence.actionWindowSeconds", e.actionWindowSeconds],
    ["uptime.slotSeconds", config.uptime.slotSeconds],
    ["uptime.windowSeconds", config.uptime.windowSeconds - config.uptime.slotSeconds + 1],
    ["behaviour.fastSeconds", config.behaviour.fastSeconds],
    ["behaviour.slowSeconds", config.behaviour.slowSeconds],
    ["behaviour.spikeFactor", config.behaviour.spikeFactor],
  ];
  for (const [name, value] of positives) if (!(value > 0)) invalid(name, "a positive number");
  const caps = config.vouch.capacities;
  if (caps.length === 0 || !caps.every((c) => Number.isInteger(c) && c >= 1)) {
    invalid("vouch.capacities", "integers of at least 1");
  }
  if (!isUnit(config.vouch.penaltyFactor)) invalid("vouch.penaltyFactor", "a number 0 to 1");
}

const DID_PATTERN = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]{1,240}$/;

function isDid(value: unknown): boolean {
  return typeof value === "string" && DID_PATTERN.test(value);
}

function isLevel(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TRUST_LEVEL;
}

function isUnit(value: unknown): boolean {
  return typeof value === "number" && value >= 0 && value <= 1;
}

function isThresholds(list: unknown): boolean {
  if (!Array.isArray(list) || list.length !== MAX_TRUST_LEVEL) return false;
  return list.every(
    (value, i) => Number.isFinite(value) && (i === 0 || value >= (list[i - 1] as number)),
  );
}

function invalid(name: string, expected: string): never {
  throw new RelayError("ERR_CONFIG_INVALID", `trust.${name}: expected ${expected}`);
}
