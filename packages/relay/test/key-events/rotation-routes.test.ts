import { decodeLogEntry, jwkThumbprint, nextKeyDigest } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorize,
  childDelegation,
  invocationFor,
  principalKey,
  rootDelegation,
} from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import {
  approval,
  fetchLog,
  newKey,
  postEvent,
  registerWithInception,
  rotation,
} from "./key-event-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
let relay: TestRelay;
let target: RelayTarget;

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now, policy: undefined });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
});
afterAll(async () => {
  await relay.close();
});

/** The actions of an agent's identity entries in the audit log, once `count` entries are in. */
async function auditActions(agent: string, count: number): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const answer = await send(target, "GET", `/v1/log/search?agent=${agent}`);
    const entries = answer.body.results.map((r: { entry: string }) =>
      decodeLogEntry(new Uint8Array(Buffer.from(r.entry, "base64"))),
    );
    if (entries.length >= count || attempt === 20) {
      return entries
        .filter((e: { event?: string }) => e.event === "identity")
        .map((e: { action: string }) => e.action);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function plainAgent(): Promise<TestAgent> {
  const agent = new TestAgent(target, clock);
  expect((await agent.register()).status).toBe(201);
  expect((await agent.login()).status).toBe(201);
  return agent;
}

function draft(agent: TestAgent, chain: string[], principal: string) {
  const invocation = invocationFor(agent, chain, {
    cmd: "/social/draft",
    args: { text: "hi" },
    principal,
  });
  return authorize(agent, { invocation, chain, resource: "https://social.example.com" });
}

describe("registration with an inception", () => {
  it("pins the inception and serves it as the log", async () => {
    const agent = new TestAgent(target, clock);
    await registerWithInception(agent, { next: newKey() });
    const log = await fetchLog(agent);
    expect(log.agent).toBe(agent.did);
    expect(log.events[0]!.receivedAt).toBe(clock.now);
  });

  it("refuses an inception of another agent, and rotations of an agent without one", async () => {
    const agent = new TestAgent(target, clock);
    const other = new TestAgent(target, clock);
    const inception = (await registerWithInception(other)).body;
    expect(inception.id).toBe(other.did);
    const log = await send(target, "GET", `/v1/agents/${other.did}/events`);
    const mismatched = await send(target, "POST", "/v1/agents", {
      registration: agent.registration(),
      inception: log.body.events[0].event,
    });
    expect(mismatched.body.code).toBe("ERR_KEL_MALFORMED");

    expect((await agent.register()).status).toBe(201);
    const event = await rotation(other, newKey(), { k: newKey().did, auth: "next" }).catch(
      () => "",
    );
    const answer = await send(target, "POST", `/v1/agents/${agent.did}/events`, { event });
    expect(answer.body.code).toBe("ERR_NOT_SUPPORTED");
    const missing = await send(target, "GET", `/v1/agents/${agent.did}/events`);
    expect(missing.body.code).toBe("ERR_AGENT_NOT_FOUND");
  });
});

describe("routine rotation", () => {
  it("keeps the ID and moves every later check to the new key", async () => {
    const next = newKey();
    const kevin = new TestAgent(target, clock);
    await registerWithInception(kevin, { next });
    expect((await kevin.login()).status).toBe(201);
    const stuart = await plainAgent();
    const principal = principalKey();
    const root = rootDelegation(principal, kevin, {
      cmd: "/social",
      exp: clock.now + 86_400,
      now: clock.now,
    });
    const child = () =>
      childDelegation([root], kevin, stuart, {
        cmd: "/social/draft",
        exp: clock.now + 3600,
        now: clock.now,
      });
    const seen = child();
    expect((await draft(stuart, [root, seen], principal.did)).body.decision).toBe("allow");
    const unseen = child();

    clock.now += 10;
    const current = newKey();
    const event = await rotation(kevin, next, {
      k: current.did,
      auth: "next",
      n: nextKeyDigest(newKey().signer.publicKey),
    });
    const answer = await postEvent(kevin, event);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ id: kevin.did, seq: 1, currentKey: current.did });
    expect(answer.body.revocations).toHaveLength(1);

    const record = await send(target, "GET", `/v1/agents/${kevin.did}`);
    expect(record.body.id).toBe(kevin.did);
    expect(record.body.publicKeyJwk.kid).toBe(jwkThumbprint(current.signer.publicKey));
    const sessions = await kevin.call("GET", `/v1/agents/${kevin.did}/sessions`);
    expect(sessions.status).toBe(401);
    expect((await kevin.login()).body.code).toBe("ERR_JWS_KID_MISMATCH");

    kevin.signer = current.signer;
    expect((await kevin.login()).status).toBe(201);
    expect((await kevin.call("GET", `/v1/agents/${kevin.did}/sessions`)).status).toBe(200);
    expect((await draft(stuart, [root, seen], principal.did)).body.decision).toBe("allow");
    const late = await draft(stuart, [root, unseen], principal.did);
    expect(late.body).toMatchObject({ decision: "deny", reason: "ERR_KEY_UNKNOWN" });
    expect((await draft(stuart, [root, child()], principal.did)).body.decision).toBe("allow");
  });

  it("lets a thief holding only the current key rotate nothing once a next key is committed", async () => {
    const agent = new TestAgent(target, clock);
    await registerWithInception(agent, { next: newKey(), owner: newKey() });
    const thief = { signer: agent.signer, did: agent.did };
    const asNext = await rotation(agent, thief, { k: newKey().did, auth: "next" });
    expect((await postEvent(agent, asNext)).body.code).toBe("ERR_KEL_DIGEST_MISMATCH");
    const asOwner = await rotation(agent, thief, { k: newKey().did, auth: "owner" });
    expect((await postEvent(agent, asOwner)).body.code).toBe("ERR_KEL_WRONG_SIGNER");
    expect((await fetchLog(agent)).sequence).toBe(0);
  });
});

describe("recovery", () => {
  it("lets the owner recover after theft, and the stolen key stops working", async () => {
    const owner = newKey();
    const agent = new TestAgent(target, clock);
    await registerWithInception(agent, { owner });
    expect((await agent.login()).status).toBe(201);
    const fresh = newKey();
    const event = await rotation(agent, owner, {
      k: fresh.did,
      auth: "owner",
      rsn: "compromise",
      cmp: clock.now - 60,
    });
    expect((await postEvent(agent, event)).status).toBe(201);
    expect((await agent.login()).body.code).toBe("ERR_JWS_KID_MISMATCH");
    agent.signer = fresh.signer;
    expect((await agent.login()).status).toBe(201);
  });

  it("recovers with 2 of 3 guardians and refuses 1 of 3", async () => {
    const guardians = [newKey(), newKey(), newKey()];
    const agent = new TestAgent(target, clock);
    const quorum = { k: 2, of: guardians.map((g) => g.did) };
    await registerWithInception(agent, { owner: newKey(), guardians: quorum });
    const event = await rotation(agent, guardians[0]!, { k: newKey().did, auth: "guardians" });
    const alone = await postEvent(agent, event);
    expect(alone.body.code).toBe("ERR_KEL_THRESHOLD_NOT_MET");
    const twice = await postEvent(agent, event, [approval(agent, guardians[0]!, event)]);
    expect(twice.body.code).toBe("ERR_KEL_THRESHOLD_NOT_MET");
    const two = await postEvent(agent, event, [approval(agent, guardians[2]!, event)]);
    expect(two.status).toBe(201);
    expect((await fetchLog(agent)).events[1]!.signers).toHaveLength(2);
  });

  it("lets the owner override a stolen next key within the window, and not after", async () => {
    const owner = newKey();
    const next = newKey();
    const agent = new TestAgent(target, clock);
    await registerWithInception(agent, { next, owner });
    const thiefKey = newKey();
    const theft = await rotation(agent, next, { k: thiefKey.did, auth: "next" });
    expect((await postEvent(agent, theft)).status).toBe(201);
    const thiefRotation = (await fetchLog(agent)).events[1]!.hash;

    clock.now += 72 * 3600 - 1;
    const rescue = newKey();
    const override = await rotation(agent, owner, {
      k: rescue.did,
      auth: "owner",
      ovr: thiefRotation,
    });
    const answer = await postEvent(agent, override);
    expect(answer.status).toBe(201);
    expect(answer.body.currentKey).toBe(rescue.did);
    const log = await fetchLog(agent);
    expect(log.keys.find((k) => k.key === thiefKey.did)?.revocation?.reason).toBe("overridden");
    const actions = await auditActions(agent.did, 3);
    expect(actions).toEqual(["registered", "key-rotated", "key-overridden"]);
    const revoked = relay.app.relay.revocations.revokedKey(
      jwkThumbprint(thiefKey.signer.publicKey),
      clock.now,
    );
    expect(revoked).toBeGreaterThan(0);
  });

  it("refuses an override once the overridden rotation is final", async () => {
    const owner = newKey();
    const next = newKey();
    const agent = new TestAgent(target, clock);
    await registerWithInception(agent, { next, owner });
    const theft = await rotation(agent, next, { k: newKey().did, auth: "next" });
    expect((await postEvent(agent, theft)).status).toBe(201);
    const ovr = (await fetchLog(agent)).events[1]!.hash;
    clock.now += 72 * 3600;
    const late = await rotation(agent, owner, { k: newKey().did, auth: "owner", ovr });
    expect((await postEvent(agent, late)).body.code).toBe("ERR_KEL_WINDOW_EXCEEDED");
  });
});
