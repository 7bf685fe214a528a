import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type {
  AgentRecord,
  DecisionRecord,
  PendingRecord,
  RelayStore,
  SessionRecord,
} from "../../src/store/relay-store.ts";

/** Opens a fresh, empty store and says how to dispose of it. */
export type StoreFactory = () => Promise<{ store: RelayStore; dispose: () => Promise<void> }>;

const NOW = 1_700_000_000;

export function agentRecord(id: string, overrides: Partial<AgentRecord> = {}): AgentRecord {
  return {
    id,
    publicKey: "k".repeat(43),
    owner: null,
    recovery: null,
    instances: 2,
    registration: "a.b.c",
    registeredAt: NOW,
    ...overrides,
  };
}

export function sessionRecord(id: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id,
    agent: "did:key:zA",
    instance: "i1",
    keyThumbprint: `t-${id}`,
    publicKey: "p".repeat(43),
    token: `token-${id}`,
    issuedAt: NOW,
    expiresAt: NOW + 900,
    endedAt: null,
    endReason: null,
    ...overrides,
  };
}

function decisionRecord(jti: string, at = NOW): DecisionRecord {
  return {
    at,
    actor: "did:key:zA",
    principal: "did:key:zP",
    command: "/social/post",
    decision: "allow",
    reason: null,
    invocationHash: `h-${jti}`,
    invocationJti: jti,
    invocationIat: at,
    chain: ["r", "m", "l"],
    entry: "{}",
  };
}

function pendingRecord(hash: string): PendingRecord {
  return {
    hash,
    actor: "did:key:zA",
    principal: "did:key:zP",
    command: "/social/post",
    resource: "https://api.example",
    request: "{}",
    requirements: '[{"k":1,"of":["did:key:zK"]}]',
    createdAt: NOW,
    expiresAt: NOW + 3600,
    status: "pending",
    outcome: null,
  };
}

/**
 * The repository contract every store implementation must meet. Each implementation's test
 * file calls this with a factory for fresh stores.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`${name}: repository contract`, () => {
    let store: RelayStore;
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store, dispose } = await factory());
    });
    afterEach(async () => {
      await dispose();
    });

    it("inserts an agent once and reads it back", async () => {
      const agent = agentRecord("did:key:zA", { owner: "did:key:zO", recovery: '{"x":1}' });
      expect(await store.agents.insert(agent)).toBe(true);
      expect(await store.agents.insert({ ...agent, instances: 9 })).toBe(false);
      expect(await store.agents.get("did:key:zA")).toEqual(agent);
      expect(await store.agents.get("did:key:zB")).toBeUndefined();
    });

    it("replaces the live session of the same instance, and only that one", async () => {
      expect(await store.sessions.open(sessionRecord("s1"))).toEqual([]);
      expect(await store.sessions.open(sessionRecord("s2", { instance: "i2" }))).toEqual([]);
      expect(await store.sessions.open(sessionRecord("s3", { issuedAt: NOW + 5 }))).toEqual(["s1"]);
      expect(await store.sessions.get("s1")).toMatchObject({
        endedAt: NOW + 5,
        endReason: "replaced",
      });
      const live = await store.sessions.listLive("did:key:zA", NOW + 10);
      expect(live.map((session) => session.id).sort()).toEqual(["s2", "s3"]);
    });

    it("ends a session once and leaves expired ones out of the live lists", async () => {
      await store.sessions.open(sessionRecord("s1", { expiresAt: NOW + 10 }));
      await store.sessions.open(sessionRecord("s2", { instance: "i2" }));
      expect(await store.sessions.end("s2", NOW + 1)).toBe(true);
      expect(await store.sessions.end("s2", NOW + 2)).toBe(false);
      expect(await store.sessions.end("nope", NOW + 2)).toBe(false);
      expect(await store.sessions.get("s2")).toMatchObject({
        endedAt: NOW + 1,
        endReason: "ended",
      });
      expect((await store.sessions.listAllLive(NOW + 5)).map((s) => s.id)).toEqual(["s1"]);
      expect(await store.sessions.listAllLive(NOW + 10)).toEqual([]);
      expect(await store.sessions.listLive("did:key:zA", NOW + 10)).toEqual([]);
    });

    it("numbers revocations from 1 in order and lists them after a sequence", async () => {
      const base = { kind: "token", reason: "leaked", revoker: "did:key:zA", at: NOW } as const;
      const first = await store.revocations.append({ ...base, target: "t1" });
      const second = await store.revocations.append({ ...base, target: "t2" });
      expect([first.seq, second.seq]).toEqual([1, 2]);
      expect((await store.revocations.listSince(0, 10)).map((r) => r.target)).toEqual(["t1", "t2"]);
      expect(await store.revocations.listSince(1, 10)).toEqual([second]);
      expect(await store.revocations.listSince(0, 1)).toEqual([first]);
    });

    it("appends decisions with dense indexes from 0 and reads them back", async () => {
      expect(await store.decisions.append([decisionRecord("j1"), decisionRecord("j2")])).toEqual([
        0, 1,
      ]);
      expect(await store.decisions.append([decisionRecord("j3", NOW + 100)])).toEqual([2]);
      expect(await store.decisions.get(1)).toEqual({ ...decisionRecord("j2"), index: 1 });
      expect(await store.decisions.get(3)).toBeUndefined();
      const recent = await store.decisions.listInvocationsSince(NOW + 50);
      expect(recent).toEqual([{ actor: "did:key:zA", jti: "j3", iat: NOW + 100 }]);
    });

    it("finds each actor's latest decision and the next index", async () => {
      expect(await store.decisions.nextIndex()).toBe(0);
      expect(await store.decisions.listHeads()).toEqual([]);
      const other = { ...decisionRecord("j3"), actor: "did:key:zB", entry: '{"b":1}' };
      await store.decisions.append([
        decisionRecord("j1"),
        other,
        { ...decisionRecord("j2"), entry: '{"a":2}' },
      ]);
      expect(await store.decisions.nextIndex()).toBe(3);
      const heads = await store.decisions.listHeads();
      expect(heads.sort((a, b) => a.index - b.index)).toEqual([
        { actor: "did:key:zB", index: 1, entry: '{"b":1}' },
        { actor: "did:key:zA", index: 2, entry: '{"a":2}' },
      ]);
    });

    it("keeps a pending authorization, counts each approver once, and decides it once", async () => {
      await store.pending.put(pendingRecord("h1"));
      expect(await store.pending.get("h1")).toEqual(pendingRecord("h1"));
      expect(await store.pending.addApproval("h1", "did:key:zK", "a1", NOW)).toEqual([
        "did:key:zK",
      ]);
      expect(await store.pending.addApproval("h1", "did:key:zK", "a2", NOW + 1)).toEqual([
        "did:key:zK",
      ]);
      expect(await store.pending.listApprovers("h1")).toEqual(["did:key:zK"]);
      expect(await store.pending.decide("h1", "allowed", '{"decision":"allow"}')).toBe(true);
      expect(await store.pending.decide("h1", "denied", "{}")).toBe(false);
      expect(await store.pending.get("h1")).toMatchObject({ status: "allowed" });
      expect(await store.pending.get("h2")).toBeUndefined();
    });

    it("spends a login challenge once, of many concurrent tries, and says why not", async () => {
      await store.replay.issueChallenge("n1", NOW + 60);
      await store.replay.issueChallenge("n2", NOW + 60);
      const tries = await Promise.all(
        Array.from({ length: 8 }, () => store.replay.spendChallenge("n1", NOW)),
      );
      expect(tries.filter((outcome) => outcome === "spent")).toHaveLength(1);
      expect(tries.filter((outcome) => outcome === "used")).toHaveLength(7);
      expect(await store.replay.spendChallenge("n2", NOW + 60)).toBe("expired");
      expect(await store.replay.spendChallenge("n3", NOW)).toBe("unknown");
      // Rows stay until the sweep's bound passes their expiry, then are gone.
      await store.replay.sweep(NOW + 60, NOW);
      expect(await store.replay.spendChallenge("n1", NOW)).toBe("used");
      await store.replay.sweep(NOW + 61, NOW);
      expect(await store.replay.spendChallenge("n1", NOW)).toBe("unknown");
    });

    it("claims an invocation once, of many concurrent tries, until its record expires", async () => {
      const tries = await Promise.all(
        Array.from({ length: 8 }, () => store.replay.claimInvocation("a:j1", NOW + 120, NOW)),
      );
      expect(tries.filter(Boolean)).toHaveLength(1);
      expect(await store.replay.claimInvocation("a:j1", NOW + 239, NOW + 119)).toBe(false);
      expect(await store.replay.claimInvocation("a:j2", NOW + 120, NOW)).toBe(true);
      // An expired record no longer holds: its key may be claimed again.
      expect(await store.replay.claimInvocation("a:j1", NOW + 240, NOW + 120)).toBe(true);
      expect(await store.replay.claimInvocation("a:j1", NOW + 241, NOW + 121)).toBe(false);
      // The sweep deletes what expired at its `now`; a claim at an earlier time then succeeds.
      await store.replay.sweep(NOW, NOW + 240);
      expect(await store.replay.claimInvocation("a:j1", NOW + 120, NOW)).toBe(true);
    });
  });
}
