import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isRelayError } from "../../src/errors/relay-error.ts";
import { gateLevel, nextLevel } from "../../src/trust/level-gates.ts";
import { SandboxLimiter } from "../../src/trust/sandbox-limiter.ts";
import { parseSandboxRules } from "../../src/trust/sandbox-rules.ts";
import { resolveTrustConfig } from "../../src/trust/trust-config.ts";
import { loadTrustOptions } from "../../src/trust/trust-options-file.ts";
import { UptimeWindow } from "../../src/trust/uptime-window.ts";
import { wilsonLowerBound } from "../../src/trust/wilson-bound.ts";
import {
  agentName,
  DAY,
  honestAgent,
  honestWorld,
  registerAgent,
  settle,
  T0,
  vouch,
} from "./sim-world.ts";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return isRelayError(error) ? error.code : "not a RelayError";
  }
}

describe("formula v1 parts", () => {
  it("scores a short history low with the Wilson lower bound", () => {
    expect(wilsonLowerBound(0, 0, 1.96)).toBe(0);
    expect(wilsonLowerBound(5, 5, 1.96)).toBeCloseTo(0.566, 3);
    expect(wilsonLowerBound(100, 100, 1.96)).toBeCloseTo(0.963, 3);
    expect(wilsonLowerBound(50, 100, 1.96)).toBeCloseTo(0.404, 3);
  });

  it("reads a gate's level from its thresholds", () => {
    expect(gateLevel(0.86, [0.4, 0.7, 0.85, 0.95])).toBe(3);
    expect(gateLevel(0.1, [0.4, 0.7, 0.85, 0.95])).toBe(0);
    expect(gateLevel(1, [0.4, 0.7, 0.85, 0.95])).toBe(4);
  });

  it("lowers a level at once and raises it one step per period", () => {
    const at = { level: 3, changedAt: T0 };
    expect(nextLevel(at, 1, T0 + 1, DAY)).toEqual({ level: 1, changedAt: T0 + 1 });
    expect(nextLevel(at, 4, T0 + 10, DAY)).toBe(at);
    expect(nextLevel(at, 4, T0 + DAY, DAY)).toEqual({ level: 4, changedAt: T0 + DAY });
    expect(nextLevel({ level: 0, changedAt: T0 }, 4, T0 + DAY, DAY).level).toBe(1);
  });

  it("slides the uptime window and never counts the running slot against the agent", () => {
    const uptime = new UptimeWindow({ slotSeconds: 60, windowSeconds: 600 });
    for (let at = T0; at < T0 + 600; at += 60) uptime.record("a", at);
    expect(uptime.summary("a", T0, T0 + 599)).toEqual({ value: 1, covered: 10, slots: 10 });
    // Five silent slots later the window holds 4 covered of 9 finished slots.
    expect(uptime.summary("a", T0, T0 + 900)).toEqual({ value: 4 / 9, covered: 4, slots: 9 });
    expect(uptime.record("a", T0 + 900)).toBe(true);
    expect(uptime.record("a", T0 + 901)).toBe(false);
    expect(uptime.summary("a", T0, T0 + 5000).value).toBe(0);
  });

  it("limits a key to its rate over a sliding minute", () => {
    const limiter = new SandboxLimiter();
    expect([0, 1, 2].map((i) => limiter.take("k", 2, T0 + i))).toEqual([true, true, false]);
    expect(limiter.take("k", 2, T0 + 30)).toBe(false);
    // Half a minute into the next one, half of the previous minute's two still count.
    expect(limiter.take("k", 2, T0 + 90)).toBe(true);
    expect(limiter.take("k", 2, T0 + 90)).toBe(false);
    expect(limiter.take("k", 2, T0 + 200)).toBe(true);
    expect(limiter.take("other", 2, T0 + 2)).toBe(true);
  });
});

describe("configuration refusals", () => {
  it("refuses trust settings out of range with ERR_CONFIG_INVALID", () => {
    const bad = [
      () => resolveTrustConfig({ seeds: ["not-a-did"] }),
      () => resolveTrustConfig({ pinned: { "did:key:z6Mk": 5 } }),
      () => resolveTrustConfig({ thresholds: { evidence: [0.9, 0.5, 0.95, 0.99] } }),
      () => resolveTrustConfig({ evidence: { maxCounterpartyShare: 0 } }),
      () => resolveTrustConfig({ vouch: { capacities: [] } }),
      () => resolveTrustConfig({ evidence: { reporterWeights: [0, 1, 2, 3, 4] } }),
      () => resolveTrustConfig({ uptime: { slotSeconds: -1 } }),
    ];
    expect(bad.map(codeOf)).toEqual(bad.map(() => "ERR_CONFIG_INVALID"));
  });

  it("reads a trust file, and refuses one that is unreadable, not an object or out of range", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ants-trust-"));
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    try {
      const good = file("good.json", '{"seeds": ["did:key:z6MkA"], "refreshMs": 0}');
      expect(await loadTrustOptions(good)).toEqual({ seeds: ["did:key:z6MkA"], refreshMs: 0 });
      const bad = [
        join(dir, "missing.json"),
        file("text.json", "not json"),
        file("array.json", "[]"),
        file("member.json", '{"seed": []}'),
        file("range.json", '{"upgradePeriodSeconds": -5}'),
        file("refresh.json", '{"refreshMs": 1.5}'),
      ];
      for (const path of bad) {
        await expect(loadTrustOptions(path)).rejects.toMatchObject({ code: "ERR_CONFIG_INVALID" });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses sandbox rules that are not commands, levels, rates or approvals", () => {
    const bad: unknown[] = [
      [],
      { "no-slash": { "0": {} } },
      { "/a": { "5": {} } },
      { "/a": { "0": { ratePerMinute: -1 } } },
      { "/a": { "0": { burst: 1 } } },
      { "/a": { "0": { approvals: { k: 2, of: ["did:key:z6Mk"] } } } },
      { "/a": { "0": { approvals: { k: 1, of: [] } } } },
    ];
    expect(bad.map((rules) => codeOf(() => parseSandboxRules(rules)))).toEqual(
      bad.map(() => "ERR_CONFIG_INVALID"),
    );
  });

  it("applies the most specific prefix, at the highest listed level not above the agent's", () => {
    const rules = parseSandboxRules({
      "/": { "0": { ratePerMinute: 1 } },
      "/social": { "0": { ratePerMinute: 5 }, "2": {} },
    });
    expect(rules.ruleFor("/social/post", 1)).toEqual({
      prefix: "/social",
      rule: { ratePerMinute: 5 },
    });
    expect(rules.ruleFor("/social/post", 3)).toEqual({ prefix: "/social", rule: {} });
    expect(rules.ruleFor("/admin", 4)?.prefix).toBe("/");
  });
});

describe("the trust engine", () => {
  it("demands a fresh login on a sharp deviation, then drops the agent on another", () => {
    const world = honestWorld({
      behaviour: { minCalls: 50, minProfileSeconds: 3600, spikeFactor: 10, minRatePerMinute: 10 },
    });
    const agent = agentName("bursty", 0);
    honestAgent(world, agent);
    settle(world);
    expect(world.engine.levelOf(agent)).toBe(3);
    // A steady call a minute for two hours is the baseline.
    let now = world.now;
    for (let i = 0; i < 120; i++) {
      now += 60;
      expect(world.engine.observeCall(agent, "/work/run", "did:sim:owner", now)).toBe("none");
    }
    const burst = () => {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        seen.add(world.engine.observeCall(agent, "/work/run", "did:sim:owner", now));
        now += 1;
      }
      return [...seen];
    };
    expect(burst()).toContain("relogin");
    expect(world.engine.state(agent).loginDemandedAt).toBeDefined();
    now += 3600;
    expect(burst()).toContain("drop");
  });

  it("takes capacity from a voucher whose vouchee is revoked for misbehaviour, for a while", () => {
    const world = honestWorld({ vouch: { penaltyFactor: 0.25, penaltySeconds: 30 * DAY } });
    const voucher = agentName("voucher", 0);
    honestAgent(world, voucher);
    const vouchees = Array.from({ length: 40 }, (_, i) => agentName("vouchee", i));
    for (const vouchee of vouchees) {
      registerAgent(world, vouchee);
      vouch(world, voucher, vouchee);
    }
    world.engine.refresh(world.now);
    const certified = () =>
      vouchees.filter((v) => world.engine.inputsOf(v, world.now).values.vouch > 0).length;
    // Distance 1: capacity 200, so all 40 are certified.
    expect(certified()).toBe(40);
    expect(world.engine.markMisbehaved(vouchees[0]!, world.now)).toEqual([voucher]);
    world.engine.refresh(world.now);
    // A quarter of 200 is 50, one kept: 39 left for the 39 others; the revoked one gets none.
    expect(world.engine.inputsOf(vouchees[0]!, world.now).values.vouch).toBe(0);
    expect(certified()).toBe(39);
    world.now += 31 * DAY;
    world.engine.refresh(world.now);
    expect(world.engine.state(voucher).penaltyUntil).toBeLessThan(world.now);
  });

  it("drops vouches when they expire", () => {
    const world = honestWorld();
    const agent = agentName("expiring", 0);
    registerAgent(world, agent);
    vouch(world, world.seeds[0]!, agent);
    world.engine.refresh(world.now);
    expect(world.engine.inputsOf(agent, world.now).values.vouch).toBe(4);
    world.now += 91 * DAY;
    world.engine.refresh(world.now);
    expect(world.engine.inputsOf(agent, world.now).values.vouch).toBe(0);
  });
});
