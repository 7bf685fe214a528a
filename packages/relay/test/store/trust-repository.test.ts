import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelayStore } from "../../src/store/relay-store.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

const T0 = 1_767_225_600;
let store: RelayStore;

beforeEach(() => {
  store = openSqliteStore(":memory:");
});

afterEach(async () => {
  await store.close();
});

const vouch = (hash: string, expiresAt: number) => ({
  hash,
  voucher: "did:key:zA",
  vouchee: "did:key:zB",
  level: 2,
  issuedAt: T0,
  expiresAt,
  receivedAt: T0,
  statement: "a.b.c",
});

const outcome = (hash: string, invocation: string, at = T0) => ({
  hash,
  subject: "did:key:zB",
  reporter: "did:key:zA",
  invocation,
  success: false,
  weight: 0.5,
  at,
  statement: "a.b.c",
});

describe("the SQLite trust repository", () => {
  it("stores a vouch once and lists only the unexpired ones", async () => {
    expect(await store.trust.putVouch(vouch("h1", T0 + 100))).toBe(true);
    expect(await store.trust.putVouch(vouch("h1", T0 + 100))).toBe(false);
    await store.trust.putVouch(vouch("h2", T0 - 1));
    expect((await store.trust.listVouches(T0)).map((v) => v.hash)).toEqual(["h1"]);
    expect(await store.trust.listVouches(T0)).toEqual([vouch("h1", T0 + 100)]);
  });

  it("counts one outcome per reporter and invocation, and lists them by time", async () => {
    expect(await store.trust.putOutcome(outcome("o1", "inv1"))).toBe(true);
    expect(await store.trust.putOutcome(outcome("o2", "inv1"))).toBe(false);
    expect(await store.trust.putOutcome(outcome("o3", "inv2", T0 - 10))).toBe(true);
    expect(await store.trust.listOutcomes(T0)).toEqual([outcome("o1", "inv1")]);
    expect(await store.trust.listOutcomes(0)).toHaveLength(2);
  });

  it("keeps heartbeat slots idempotently", async () => {
    await store.trust.putHeartbeatSlot("did:key:zA", 10);
    await store.trust.putHeartbeatSlot("did:key:zA", 10);
    await store.trust.putHeartbeatSlot("did:key:zA", 12);
    expect(await store.trust.listHeartbeatSlots(11)).toEqual([{ agent: "did:key:zA", slot: 12 }]);
  });

  it("sets stakes, slashes them down to zero at most, and keeps the changes", async () => {
    const change = { agent: "did:key:zA", operator: "did:key:zOp", reason: "r", at: T0 };
    expect(await store.trust.changeStake({ ...change, action: "set", amount: 500 })).toBe(500);
    expect(await store.trust.changeStake({ ...change, action: "slash", amount: 200 })).toBe(300);
    expect(await store.trust.changeStake({ ...change, action: "slash", amount: 900 })).toBe(0);
    expect(await store.trust.listStakes()).toEqual([{ agent: "did:key:zA", amount: 0 }]);
  });

  it("upserts an agent's level and standing", async () => {
    const record = {
      agent: "did:key:zA",
      level: 2,
      changedAt: T0,
      holdReason: null,
      holdUntil: null,
      loginDemandedAt: null,
      blocked: false,
      penaltyUntil: null,
    };
    await store.trust.saveAgent(record);
    await store.trust.saveAgent({ ...record, level: 0, holdReason: "copied key", blocked: true });
    expect(await store.trust.listAgents()).toEqual([
      { ...record, level: 0, holdReason: "copied key", blocked: true },
    ]);
  });
});
