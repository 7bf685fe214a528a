import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RelayStore } from "../../src/store/relay-store.ts";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.ts";
import { openPgTestStore, pgReachable } from "./pg-test-store.ts";
import { agentRecord } from "./store-contract.ts";

// The key event repository contract (docs/spec/key-events.md 8.2), run against both stores.
const reachable = await pgReachable();
const directory = mkdtempSync(join(tmpdir(), "ants-kel-store-"));
let counter = 0;

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

type Factory = () => Promise<{ store: RelayStore; dispose: () => Promise<void> }>;

const AGENT = "did:key:zKel";
const event = (seq: number, receivedAt = 1000 + seq) => ({
  agent: AGENT,
  seq,
  event: `header.payload-${seq}.signature`,
  approvals: null,
  receivedAt,
});

function describeKeyEventContract(name: string, factory: Factory): void {
  describe(`${name}: key event repository`, () => {
    let store: RelayStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, dispose } = await factory());
      await store.agents.insert(agentRecord(AGENT, { publicKey: "inception-key" }));
    });
    afterEach(async () => {
      await dispose();
    });

    it("appends in sequence, moves the agent's key, and lists the log in order", async () => {
      const keyEvents = store.keyEvents!;
      expect(await keyEvents.append(event(0), "inception-key")).toBe(true);
      expect(await keyEvents.listRotated()).toEqual([]);
      const guardians = { ...event(1), approvals: ["a.b.c", "d.e.f"] };
      expect(await keyEvents.append(guardians, "second-key")).toBe(true);
      expect((await store.agents.get(AGENT))?.publicKey).toBe("second-key");
      expect(await keyEvents.list(AGENT)).toEqual([event(0), guardians]);
      expect(await keyEvents.listRotated()).toEqual([AGENT]);
      expect(await keyEvents.list("did:key:zNobody")).toEqual([]);
    });

    it("refuses a second event at the same place and leaves the key alone", async () => {
      const keyEvents = store.keyEvents!;
      await keyEvents.append(event(0), "inception-key");
      await keyEvents.append(event(1), "second-key");
      expect(await keyEvents.append({ ...event(1), event: "x.y.z" }, "thief-key")).toBe(false);
      expect((await store.agents.get(AGENT))?.publicKey).toBe("second-key");
      expect((await keyEvents.list(AGENT))[1]?.event).toBe(event(1).event);
    });

    it("lets exactly one of two racing appends of the same place win", async () => {
      const keyEvents = store.keyEvents!;
      await keyEvents.append(event(0), "inception-key");
      const results = await Promise.all([
        keyEvents.append(event(1), "key-a"),
        keyEvents.append({ ...event(1), event: "other.event.jws" }, "key-b"),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? "key-a" : "key-b";
      expect((await store.agents.get(AGENT))?.publicKey).toBe(winner);
      expect(await keyEvents.list(AGENT)).toHaveLength(2);
    });
  });
}

describeKeyEventContract("sqlite", async () => {
  const store = openSqliteStore(join(directory, `kel-${counter++}.sqlite`));
  return { store, dispose: async () => store.close() };
});

describe.skipIf(!reachable)("postgres", () => {
  describeKeyEventContract("postgres", () => openPgTestStore());
});
