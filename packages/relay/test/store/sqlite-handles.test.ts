import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HandleRecord, HandleWrite } from "../../src/store/handle-repository.ts";
import type { RelayStore } from "../../src/store/relay-store.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";

const NOW = 1_767_225_600;
let store: RelayStore;

beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(async () => {
  await store.close();
});

function held(name: string, agent: string, since = NOW): HandleRecord {
  return {
    name,
    agent,
    state: "held",
    since,
    endedAt: null,
    endReason: null,
    quarantineUntil: null,
    offer: null,
    version: 0,
  };
}

function claimWrite(name: string, agent: string, extra: Partial<HandleWrite> = {}): HandleWrite {
  return {
    expectedVersion: 0,
    next: held(name, agent),
    event: {
      at: NOW,
      kind: "claimed",
      handle: name,
      agent,
      actor: agent,
      statement: "s",
      detail: "{}",
    },
    ...extra,
  };
}

describe("handle writes", () => {
  it("writes a holding and its event together, versioned from 1", async () => {
    const result = await store.handles.write(claimWrite("kevin", "did:key:zA"));
    expect(result).toEqual({ outcome: "written", seq: 1 });
    expect(await store.handles.get("kevin")).toMatchObject({ agent: "did:key:zA", version: 1 });
    expect((await store.handles.listEventsSince(0, 10)).map((e) => e.kind)).toEqual(["claimed"]);
  });

  it("refuses a spent seed and rolls the whole write back", async () => {
    const seed = { seed: "s1", expiresAt: NOW + 60 };
    await store.handles.write(claimWrite("first", "did:key:zA", { seed }));
    const again = await store.handles.write(claimWrite("second", "did:key:zA", { seed }));
    expect(again).toEqual({ outcome: "seed-used" });
    expect(await store.handles.get("second")).toBeUndefined();
    expect(await store.handles.isSeedSpent("s1")).toBe(true);
  });

  it("refuses a stale version, and a refused write spends no seed", async () => {
    await store.handles.write(claimWrite("kevin", "did:key:zA"));
    const seed = { seed: "s2", expiresAt: NOW + 60 };
    const stale = await store.handles.write(claimWrite("kevin", "did:key:zB", { seed }));
    expect(stale).toEqual({ outcome: "conflict" });
    expect(await store.handles.isSeedSpent("s2")).toBe(false);
    expect(await store.handles.listEventsSince(0, 10)).toHaveLength(1);
  });

  it("refuses a holding beyond the agent's limit", async () => {
    const limit = { agent: "did:key:zA", max: 1 };
    await store.handles.write(claimWrite("one", "did:key:zA", { limit }));
    const over = await store.handles.write(claimWrite("two", "did:key:zA", { limit }));
    expect(over).toEqual({ outcome: "limit" });
    expect(await store.handles.listHeldBy("did:key:zA")).toHaveLength(1);
  });
});

describe("holder activity and housekeeping", () => {
  it("keeps the latest activity and reports holders from the later of it and since", async () => {
    await store.handles.write(claimWrite("kevin", "did:key:zA"));
    expect(await store.handles.listHolders()).toEqual([{ agent: "did:key:zA", lastSeen: NOW }]);
    await store.handles.saveActivity([{ agent: "did:key:zA", lastSeen: NOW + 100 }]);
    await store.handles.saveActivity([{ agent: "did:key:zA", lastSeen: NOW + 50 }]);
    expect(await store.handles.lastSeen("did:key:zA")).toBe(NOW + 100);
    expect(await store.handles.listHolders()).toEqual([
      { agent: "did:key:zA", lastSeen: NOW + 100 },
    ]);
  });

  it("purges seeds whose challenge expired and keeps one challenge secret", async () => {
    await store.handles.write(
      claimWrite("kevin", "did:key:zA", { seed: { seed: "s", expiresAt: NOW } }),
    );
    expect(await store.handles.purgeSeeds(NOW)).toBe(1);
    const first = await store.handles.challengeSecret(new Uint8Array(32).fill(1));
    const second = await store.handles.challengeSecret(new Uint8Array(32).fill(2));
    expect(second).toEqual(first);
    expect(first[0]).toBe(1);
  });
});
