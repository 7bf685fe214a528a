import { tokenHash } from "@ants/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  authorize,
  childDelegation,
  invocationFor,
  principalKey,
  rootDelegation,
} from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { kidOf, listSessions, revoke } from "./revocation-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const operator = principalKey();
let relay: TestRelay;
let target: RelayTarget;
let principal: ReturnType<typeof principalKey>;
let kevin: TestAgent;
let stuart: TestAgent;
let bob: TestAgent;

async function agent(): Promise<TestAgent> {
  const created = new TestAgent(target, clock);
  expect((await created.register()).status).toBe(201);
  expect((await created.login()).status).toBe(201);
  return created;
}

beforeAll(async () => {
  relay = await startTestRelay({
    now: () => clock.now,
    operators: [operator.did],
    revocation: { pollMs: 0 },
  });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
});
afterAll(async () => {
  await relay.close();
});
beforeEach(async () => {
  clock.now += 1000;
  principal = principalKey();
  [kevin, stuart, bob] = [await agent(), await agent(), await agent()];
});

/** principal -> kevin (root), kevin -> stuart (middle), stuart -> bob (leaf); bob invokes. */
function threeHops(): string[] {
  const exp = clock.now + 86_400;
  const root = rootDelegation(principal, kevin, { cmd: "/social", exp, now: clock.now });
  const middle = childDelegation([root], kevin, stuart, { cmd: "/social", now: clock.now });
  const leaf = childDelegation([root, middle], stuart, bob, {
    cmd: "/social/post",
    now: clock.now,
  });
  return [root, middle, leaf];
}

function invoke(chain: string[]) {
  const invocation = invocationFor(bob, chain, {
    cmd: "/social/post",
    args: { text: "hi" },
    principal: principal.did,
  });
  return authorize(bob, { invocation, chain });
}

const relayOf = () => ({ url: relay.url, did: target.did });

describe("each kind, revoked, refuses the very next call with its own code and entry", () => {
  it("session: ERR_REVOKED_SESSION (401) with the revocation's sequence number", async () => {
    expect((await listSessions(kevin)).status).toBe(200);
    const answer = await revoke(relayOf(), clock, kevin, {
      kind: "session",
      target: kevin.sessionId,
      reason: "instance decommissioned",
    });
    expect(answer.status).toBe(201);
    expect(answer.body.entry).toMatchObject({ kind: "session", revoker: kevin.did });
    const refused = await listSessions(kevin);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      code: "ERR_REVOKED_SESSION",
      revocation: answer.body.entry.seq,
    });
  });

  it("key: the agent's own identity key, ERR_REVOKED_KEY on its next call", async () => {
    const answer = await revoke(relayOf(), clock, kevin, { kind: "key", target: kidOf(kevin) });
    expect(answer.status).toBe(201);
    const refused = await listSessions(kevin);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      code: "ERR_REVOKED_KEY",
      revocation: answer.body.entry.seq,
    });
    expect((await listSessions(stuart)).status).toBe(200);
  });

  it("token: ERR_REVOKED_TOKEN on the next authorize through it", async () => {
    const chain = threeHops();
    expect((await invoke(chain)).body.decision).toBe("allow");
    const answer = await revoke(relayOf(), clock, principal, {
      kind: "token",
      target: tokenHash(chain[0]!),
    });
    expect(answer.status).toBe(201);
    const denied = await invoke(chain);
    expect(denied.body).toMatchObject({ decision: "deny", reason: "ERR_REVOKED_TOKEN" });
    expect(denied.body.detail).toContain(`seq ${answer.body.entry.seq}`);
  });

  it("issuer-epoch: refuses the issuer's tokens first seen before it, not those seen after", async () => {
    const chain = threeHops();
    expect((await invoke(chain)).body.decision).toBe("allow");
    clock.now += 10;
    const answer = await revoke(relayOf(), clock, principal, {
      kind: "issuer-epoch",
      target: principal.did,
      epoch: clock.now,
    });
    expect(answer.status).toBe(201);
    expect((await invoke(chain)).body).toMatchObject({
      decision: "deny",
      reason: "ERR_REVOKED_EPOCH",
    });
    expect((await invoke(threeHops())).body.decision).toBe("allow");
  });

  it("handle: only an operator or the holder; the entry is in the log and the snapshot", async () => {
    const refused = await revoke(relayOf(), clock, stuart, { kind: "handle", target: "kevin" });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("ERR_REVOCATION_FORBIDDEN");
    const answer = await revoke(relayOf(), clock, operator, {
      kind: "handle",
      target: "kevin",
      reason: "impersonation",
    });
    expect(answer.status).toBe(201);
    expect(relay.app.relay.revocations.revokedId("handle", "kevin")).toBe(answer.body.entry.seq);
    const snapshot = await send(relay, "GET", "/v1/revocations/snapshot");
    expect(snapshot.body.seq).toBeGreaterThanOrEqual(answer.body.entry.seq);
  });
});

describe("a three-hop chain", () => {
  it("dies when its root is revoked, even one the relay learns of from the request", async () => {
    const chain = threeHops();
    const request = { kind: "token" as const, target: tokenHash(chain[0]!) };
    const unknown = await revoke(relayOf(), clock, principal, request);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe("ERR_REVOCATION_TARGET_UNKNOWN");
    const answer = await revoke(relayOf(), clock, principal, request, { token: chain[0]! });
    expect(answer.status).toBe(201);
    expect((await invoke(chain)).body.reason).toBe("ERR_REVOKED_TOKEN");
  });

  it("dies when its middle link is revoked, by the middle link's issuer", async () => {
    const chain = threeHops();
    expect((await invoke(chain)).body.decision).toBe("allow");
    const answer = await revoke(relayOf(), clock, kevin, {
      kind: "token",
      target: tokenHash(chain[1]!),
    });
    expect(answer.status).toBe(201);
    expect((await invoke(chain)).body.reason).toBe("ERR_REVOKED_TOKEN");
  });

  it("dies when the middle signer's key is revoked as compromised before the chain was seen", async () => {
    const chain = threeHops();
    expect((await invoke(chain)).body.decision).toBe("allow");
    const answer = await revoke(relayOf(), clock, kevin, {
      kind: "key",
      target: kidOf(kevin),
      reason: "key leaked",
      compromisedSince: clock.now - 60,
    });
    expect(answer.status).toBe(201);
    expect((await invoke(chain)).body.reason).toBe("ERR_REVOKED_KEY");
  });

  it("survives a key revocation of its middle signer that states no earlier compromise", async () => {
    const chain = threeHops();
    expect((await invoke(chain)).body.decision).toBe("allow");
    clock.now += 5;
    await revoke(relayOf(), clock, kevin, { kind: "key", target: kidOf(kevin), reason: "retired" });
    expect((await invoke(chain)).body.decision).toBe("allow");
  });
});

describe("key compromise and first sight", () => {
  it("refuses a token backdated with an old iat that the relay first sees after the compromise", async () => {
    const seen = threeHops();
    expect((await invoke(seen)).body.decision).toBe("allow");
    const compromise = clock.now + 10;
    clock.now += 20;
    await revoke(relayOf(), clock, kevin, {
      kind: "key",
      target: kidOf(kevin),
      compromisedSince: compromise,
    });
    // The chain first seen before the compromise survives.
    expect((await invoke(seen)).body.decision).toBe("allow");
    // A thief signs a fresh middle link with an iat from before the compromise.
    const old = clock.now - 3600;
    const middle = childDelegation([seen[0]!], kevin, stuart, { cmd: "/social", now: old });
    const leaf = childDelegation([seen[0]!, middle], stuart, bob, {
      cmd: "/social/post",
      now: clock.now,
    });
    expect((await invoke([seen[0]!, middle, leaf])).body.reason).toBe("ERR_REVOKED_KEY");
  });
});
