import { createSigner, decodeLogEntry, didFromPublicKey, generateKeyPair } from "@ants/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit-log/audit-log.ts";
import type { HandleWrite } from "../../src/store/handle-repository.ts";
import { openPostgresStore } from "../../src/store/postgres/postgres-store.ts";
import type { RelayStore } from "../../src/store/relay-store.ts";
import { openPgTestStore, PG_TEST_URL, pgReachable } from "./pg-test-store.ts";

const reachable = await pgReachable();
const NOW = 1_767_225_600;
let store: RelayStore;
let schema: string;
let dispose: () => Promise<void>;

function claim(name: string, agent: string, extra: Partial<HandleWrite> = {}): HandleWrite {
  return {
    expectedVersion: 0,
    next: {
      name,
      agent,
      state: "held",
      since: NOW,
      endedAt: null,
      endReason: null,
      quarantineUntil: null,
      offer: null,
      version: 0,
    },
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

describe.skipIf(!reachable)("postgres repositories beyond the contract", () => {
  beforeEach(async () => {
    ({ store, schema, dispose } = await openPgTestStore());
  });
  afterEach(async () => {
    await dispose();
  });

  it("writes handles by compare-and-set, spending a seed once, within the holder's limit", async () => {
    const seed = { seed: "s1", expiresAt: NOW + 60 };
    const limit = { agent: "did:key:zA", max: 1 };
    expect(await store.handles.write(claim("kevin", "did:key:zA", { seed, limit }))).toEqual({
      outcome: "written",
      seq: 1,
    });
    expect(await store.handles.write(claim("other", "did:key:zB", { seed }))).toEqual({
      outcome: "seed-used",
    });
    expect(await store.handles.write(claim("kevin", "did:key:zB"))).toEqual({
      outcome: "conflict",
    });
    expect(await store.handles.write(claim("two", "did:key:zA", { limit }))).toEqual({
      outcome: "limit",
    });
    expect(await store.handles.get("other")).toBeUndefined();
    expect(await store.handles.get("kevin")).toMatchObject({ agent: "did:key:zA", version: 1 });
    expect((await store.handles.listEventsSince(0, 10)).map((e) => e.seq)).toEqual([1]);
    expect(await store.handles.countClaimsSince(NOW)).toBe(1);
  });

  it("keeps the latest holder activity and one challenge secret", async () => {
    await store.handles.write(claim("kevin", "did:key:zA"));
    await store.handles.saveActivity([{ agent: "did:key:zA", lastSeen: NOW + 100 }]);
    await store.handles.saveActivity([{ agent: "did:key:zA", lastSeen: NOW + 50 }]);
    expect(await store.handles.listHolders()).toEqual([
      { agent: "did:key:zA", lastSeen: NOW + 100 },
    ]);
    const first = await store.handles.challengeSecret(new Uint8Array(32).fill(1));
    expect(await store.handles.challengeSecret(new Uint8Array(32).fill(2))).toEqual(first);
    expect(await store.handles.purgeSeeds(NOW)).toBe(0);
  });

  it("keeps trust signals and slashes stakes down to zero at most", async () => {
    expect(await store.trust.changeStake(stake("set", 10))).toBe(10);
    expect(await store.trust.changeStake(stake("slash", 25))).toBe(0);
    expect(await store.trust.listStakes()).toEqual([{ agent: "did:key:zA", amount: 0 }]);
    const outcome = {
      hash: "h1",
      subject: "did:key:zB",
      reporter: "did:key:zA",
      invocation: "i1",
      success: false,
      weight: 0.5,
      at: NOW,
      statement: "a.b.c",
    };
    expect(await store.trust.putOutcome(outcome)).toBe(true);
    expect(await store.trust.putOutcome({ ...outcome, hash: "h2" })).toBe(false);
    expect(await store.trust.listOutcomes(NOW)).toEqual([outcome]);
  });

  it("keeps the audit log across a reopen: size, entries and the per-agent chain", async () => {
    const signer = createSigner(generateKeyPair().seed);
    const relay = didFromPublicKey(signer.publicKey);
    const open = (log = store.log) =>
      AuditLog.open({
        store: log,
        relay,
        signer,
        origin: () => "relay.test/v1/log",
        now: () => NOW,
      });
    const audit = await open();
    const agent = relay;
    const event = (i: number) => ({
      event: "identity" as const,
      action: "registered",
      subject: agent,
      actor: agent,
      data: { i },
    });
    // Concurrent appends share group commits, as requests do.
    await Promise.all(Array.from({ length: 300 }, (_, i) => audit.appendEvent(event(i))));
    await audit.close();
    const reopenedStore = await openPostgresStore(PG_TEST_URL!, { schema });
    const reopened = await open(reopenedStore.log);
    expect(reopened.size).toBe(300);
    expect((await reopenedStore.log.readEntries(250, 260)).length).toBe(10);
    expect((await reopened.appendEvent(event(300))).index).toBe(300);
    await reopened.close();
    await reopenedStore.close();
  });

  it("lets two logs on one store append in turn without forking: the loser restages", async () => {
    const signer = createSigner(generateKeyPair().seed);
    const relay = didFromPublicKey(signer.publicKey);
    const other = await openPostgresStore(PG_TEST_URL!, { schema });
    const open = (log: RelayStore["log"]) =>
      AuditLog.open({
        store: log,
        relay,
        signer,
        origin: () => "relay.test/v1/log",
        now: () => NOW,
      });
    const [a, b] = [await open(store.log), await open(other.log)];
    const event = (i: number) => ({
      event: "identity" as const,
      action: "registered",
      subject: relay,
      actor: relay,
      data: { i },
    });
    const indexes: number[] = [];
    for (let i = 0; i < 6; i++)
      indexes.push((await (i % 2 === 0 ? a : b).appendEvent(event(i))).index);
    const both = await Promise.all([a.appendEvent(event(6)), b.appendEvent(event(7))]);
    expect(indexes).toEqual([0, 1, 2, 3, 4, 5]);
    expect(both.map((x) => x.index).sort()).toEqual([6, 7]);
    const entries = await store.log.readEntries(0, 8);
    expect(entries).toHaveLength(8);
    // Each entry links to the previous one of the same agent, across the two writers.
    const last = decodeLogEntry(entries[7]!);
    expect(last.prev?.index).toBe(6);
    await a.close();
    await b.close();
    await other.close();
  });
});

function stake(action: "set" | "slash", amount: number) {
  return { agent: "did:key:zA", action, amount, operator: "did:key:zO", reason: "r", at: NOW };
}
