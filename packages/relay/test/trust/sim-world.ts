import { resolveTrustConfig, type TrustOptions } from "../../src/trust/trust-config.ts";
import { TrustEngine } from "../../src/trust/trust-engine.ts";

/** 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600;
export const DAY = 86_400;

/** A deterministic PRNG (mulberry32), so every simulation is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** An honest world: seeds, pinned reporters, and the engine running over it. */
export interface SimWorld {
  engine: TrustEngine;
  seeds: string[];
  reporters: string[];
  now: number;
}

/** Agent names: DIDs of a test method, since the engine never parses them. */
export function agentName(kind: string, i: number): string {
  return `did:sim:${kind}-${i}`;
}

/**
 * Three seeds and five resource servers pinned at L4 (the operator's own), agents registered
 * 60 days before T0. Options override formula v1's defaults (and the hour-long slots).
 */
export function honestWorld(options: TrustOptions = {}): SimWorld {
  const seeds = [0, 1, 2].map((i) => agentName("seed", i));
  const reporters = [0, 1, 2, 3, 4].map((i) => agentName("reporter", i));
  const pinned = Object.fromEntries([...seeds, ...reporters].map((did) => [did, 4]));
  // Hour-long heartbeat slots keep the simulation fast; the formula is the same.
  const uptime = { slotSeconds: 3600, windowSeconds: 7 * DAY };
  const config = resolveTrustConfig({ seeds, pinned, uptime, ...options });
  const engine = new TrustEngine(config);
  for (const did of [...seeds, ...reporters]) engine.know(did, T0 - 60 * DAY, 1);
  engine.refresh(T0);
  return { engine, seeds, reporters, now: T0 };
}

/** Registers an agent 60 days before T0 with one declared instance. */
export function registerAgent(world: SimWorld, did: string): void {
  world.engine.know(did, T0 - 60 * DAY, 1);
}

/** Heartbeats in every slot of the last week, as a perfect agent does. */
export function heartbeatPerfectly(world: SimWorld, did: string): void {
  const { slotSeconds, windowSeconds } = world.engine.config.uptime;
  for (let at = world.now - windowSeconds; at <= world.now; at += slotSeconds) {
    world.engine.recordHeartbeat(did, at);
  }
}

let vouchCount = 0;

/** A vouch from `voucher` to `vouchee` at `level`, valid for 90 days from now. */
export function vouch(world: SimWorld, voucher: string, vouchee: string, level = 4): void {
  world.engine.addVouch({
    hash: `vouch-${vouchCount++}`,
    voucher,
    vouchee,
    level,
    issuedAt: world.now,
    expiresAt: world.now + 90 * DAY,
  });
}

/** `count` outcomes by `reporter` about `subject`, weighted as the relay weighs them now. */
export function report(
  world: SimWorld,
  input: { reporter: string; subject: string; success: boolean; count: number },
): void {
  const weight = world.engine.reporterWeight(input.reporter);
  for (let i = 0; i < input.count; i++) {
    world.engine.recordOutcome({
      subject: input.subject,
      reporter: input.reporter,
      success: input.success,
      weight,
      at: world.now,
    });
  }
}

/** Advances time by `periods` upgrade periods, refreshing every agent after each. */
export function settle(world: SimWorld, periods = 5): void {
  world.engine.refresh(world.now, { all: true });
  for (let i = 0; i < periods; i++) {
    world.now += world.engine.config.upgradePeriodSeconds;
    heartbeatAll(world);
    world.engine.refresh(world.now, { all: true });
  }
}

const heartbeating = new WeakMap<SimWorld, Set<string>>();

/** Keeps `did` heartbeating perfectly as time advances in {@link settle}. */
export function keepAlive(world: SimWorld, did: string): void {
  let set = heartbeating.get(world);
  if (set === undefined) {
    set = new Set();
    heartbeating.set(world, set);
  }
  set.add(did);
  heartbeatPerfectly(world, did);
}

function heartbeatAll(world: SimWorld): void {
  const { slotSeconds } = world.engine.config.uptime;
  const period = world.engine.config.upgradePeriodSeconds;
  for (const did of heartbeating.get(world) ?? []) {
    for (let at = world.now - period; at <= world.now; at += slotSeconds) {
      world.engine.recordHeartbeat(did, at);
    }
  }
}

/**
 * An honest agent in good standing: vouched by a seed, staked, heartbeating, and with 30
 * successes from the five pinned reporters (evidence L3).
 */
export function honestAgent(world: SimWorld, did: string, voucher?: string): void {
  registerAgent(world, did);
  vouch(world, voucher ?? world.seeds[0]!, did);
  world.engine.setStake(did, 1000);
  keepAlive(world, did);
  for (const reporter of world.reporters) {
    report(world, { reporter, subject: did, success: true, count: 6 });
  }
}
