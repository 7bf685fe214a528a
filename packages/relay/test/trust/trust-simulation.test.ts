import { describe, expect, it } from "vitest";
import {
  agentName,
  DAY,
  honestAgent,
  honestWorld,
  keepAlive,
  registerAgent,
  report,
  type SimWorld,
  seededRandom,
  settle,
  vouch,
} from "./sim-world.ts";

/**
 * N fakes that vouch for five random fakes each, report 20 perfect outcomes for five random
 * fakes each, heartbeat perfectly and stake as much as anyone (docs/spec/trust.md 6).
 */
function addFakes(world: SimWorld, n: number, seed: number): string[] {
  const random = seededRandom(seed);
  const fakes = Array.from({ length: n }, (_, i) => agentName(`fake${seed}`, i));
  for (const fake of fakes) {
    registerAgent(world, fake);
    keepAlive(world, fake);
    world.engine.setStake(fake, 1000);
  }
  const pick = (self: string) => {
    const other = fakes[Math.floor(random() * n)]!;
    return other === self ? fakes[(fakes.indexOf(self) + 1) % n]! : other;
  };
  for (const fake of fakes) {
    for (let k = 0; k < 5; k++) vouch(world, fake, pick(fake));
    for (let k = 0; k < 5; k++) {
      report(world, { reporter: fake, subject: pick(fake), success: true, count: 20 });
    }
  }
  return fakes;
}

/** An honest chain seed -> a1 -> a2 -> voucher: the voucher sits at distance 3 (capacity 12). */
function honestVoucher(world: SimWorld, name: string): string {
  const a1 = agentName(`${name}-a1`, 0);
  const a2 = agentName(`${name}-a2`, 0);
  const voucher = agentName(name, 0);
  honestAgent(world, a1);
  honestAgent(world, a2, a1);
  honestAgent(world, voucher, a2);
  return voucher;
}

const risen = (world: SimWorld, agents: string[]) =>
  agents.filter((agent) => world.engine.levelOf(agent) > 0).length;
const certified = (world: SimWorld, agents: string[]) =>
  agents.filter((agent) => world.engine.inputsOf(agent, world.now).values.vouch > 0).length;

describe("trust simulation (seeded)", () => {
  for (const n of [10, 100, 1000]) {
    it(`keeps ${n} fakes with no honest voucher at L0, even with the evidence gate open`, () => {
      // Evidence L1 at 0: only the vouch flow stands between the fakes and L1.
      const world = honestWorld({
        thresholds: { evidence: [0, 0.7, 0.85, 0.95] },
      });
      const fakes = addFakes(world, n, n);
      settle(world);
      expect(risen(world, fakes)).toBe(0);
      expect(certified(world, fakes)).toBe(0);
      expect(
        fakes.every((fake) => world.engine.inputsOf(fake, world.now).evidence.value === 0),
      ).toBe(true);
    });
  }

  it("keeps fakes at L0 under the default thresholds too: their reports weigh nothing", () => {
    const world = honestWorld();
    const fakes = addFakes(world, 100, 7);
    settle(world);
    expect(risen(world, fakes)).toBe(0);
    const evidence = world.engine.inputsOf(fakes[0]!, world.now).evidence;
    expect(evidence.weight).toBe(0);
  });

  for (const g of [1, 2, 3]) {
    it(`bounds the fakes that rise by ${g} honest vouchers' capacity, whatever N`, () => {
      const counts: number[] = [];
      for (const n of [10, 100, 1000]) {
        const world = honestWorld({ thresholds: { evidence: [0, 0.7, 0.85, 0.95] } });
        const vouchers = Array.from({ length: g }, (_, i) => honestVoucher(world, `honest${i}`));
        const fakes = addFakes(world, n, 1000 + n);
        for (const [i, voucher] of vouchers.entries()) vouch(world, voucher, fakes[i]!);
        settle(world);
        expect(vouchers.every((voucher) => world.engine.levelOf(voucher) > 0)).toBe(true);
        counts.push(risen(world, fakes));
        // Each voucher at distance 3 holds 12 units and keeps one: 11 for the fakes.
        expect(certified(world, fakes)).toBeLessThanOrEqual(11 * g);
      }
      // Some fakes do rise through the honest vouchers, so the bound is what holds them.
      expect(counts[2]).toBeGreaterThan(0);
      expect(Math.max(...counts)).toBeLessThanOrEqual(11 * g);
      expect(counts[2]).toBeLessThanOrEqual(11 * g);
    });
  }

  it("lets a ring of five real agents trading fake outcomes gain nothing past the one-fifth cap", () => {
    const world = honestWorld();
    const ring = [0, 1, 2, 3, 4].map((i) => agentName("ring", i));
    for (const member of ring) honestAgent(world, member);
    settle(world);
    const before = ring.map((member) => ({
      level: world.engine.levelOf(member),
      evidence: world.engine.inputsOf(member, world.now).evidence.value,
    }));
    expect(before.every((b) => b.level === 3)).toBe(true);

    for (const reporter of ring) {
      for (const subject of ring) {
        if (subject !== reporter) report(world, { reporter, subject, success: true, count: 200 });
      }
    }
    world.engine.refresh(world.now);
    ring.forEach((member, i) => {
      const inputs = world.engine.inputsOf(member, world.now);
      // Four ring mates, each at most a fifth of the weight: at most 4/5 of it holds successes
      // from the ring, so the bound cannot pass 0.8 on the ring's word, nor the level rise.
      expect(inputs.evidence.strongestShare).toBeLessThanOrEqual(0.2 + 1e-9);
      expect(inputs.evidence.value).toBeLessThanOrEqual(Math.max(before[i]!.evidence, 0.8));
      expect(world.engine.levelOf(member)).toBeLessThanOrEqual(before[i]!.level);
    });
  });

  it("drops an agent at least one level after 100 good outcomes then 5 failures", () => {
    const world = honestWorld();
    const agent = agentName("steady", 0);
    registerAgent(world, agent);
    vouch(world, world.seeds[0]!, agent);
    world.engine.setStake(agent, 1000);
    keepAlive(world, agent);
    for (const reporter of world.reporters) {
      report(world, { reporter, subject: agent, success: true, count: 20 });
    }
    settle(world);
    const before = world.engine.levelOf(agent);
    expect(before).toBe(4);

    for (let i = 0; i < 5; i++) {
      report(world, { reporter: world.reporters[i]!, subject: agent, success: false, count: 1 });
    }
    const changes = world.engine.refresh(world.now);
    expect(world.engine.levelOf(agent)).toBeLessThanOrEqual(before - 1);
    expect(changes).toEqual([expect.objectContaining({ agent, from: 4, limitedBy: ["evidence"] })]);
  });

  it("lets 1,000 L0 agents reporting failures against an L2 agent change nothing", () => {
    const world = honestWorld();
    const target = agentName("target", 0);
    honestAgent(world, target);
    world.engine.setStake(target, 0);
    settle(world);
    expect(world.engine.levelOf(target)).toBe(2);
    const before = world.engine.inputsOf(target, world.now).evidence;

    const attackers = Array.from({ length: 1000 }, (_, i) => agentName("attacker", i));
    for (const attacker of attackers) {
      registerAgent(world, attacker);
      report(world, { reporter: attacker, subject: target, success: false, count: 1 });
    }
    expect(world.engine.refresh(world.now)).toEqual([]);
    expect(world.engine.levelOf(target)).toBe(2);
    expect(world.engine.inputsOf(target, world.now).evidence).toEqual(before);
  });

  it("drops a copied key to L0 at once, while a restart of the one instance does not", () => {
    const world = honestWorld();
    const agent = agentName("worker", 0);
    honestAgent(world, agent);
    settle(world);
    expect(world.engine.levelOf(agent)).toBe(3);

    // A restart: the new session replaces the instance's old one, so one instance is live.
    expect(world.engine.observeInstances(agent, 1, 1)).toBe("none");
    expect(world.engine.levelOf(agent)).toBe(3);

    expect(world.engine.observeInstances(agent, 1, 2)).toBe("drop");
    const change = world.engine.hold(agent, "instances-exceeded", world.now);
    expect(change).toMatchObject({ from: 3, to: 0, limitedBy: ["behaviour"] });
    expect(world.engine.levelOf(agent)).toBe(0);

    // The hold lasts holdSeconds; then upgrades resume one level per period.
    world.now += world.engine.config.behaviour.holdSeconds - DAY;
    world.engine.refresh(world.now, { all: true });
    expect(world.engine.levelOf(agent)).toBe(0);
  });
});
