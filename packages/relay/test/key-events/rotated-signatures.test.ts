import { signApproval, signVouch } from "@ants/protocol";
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
  type Key,
  newKey,
  postEvent,
  registerWithInception,
  rotation,
} from "./key-event-helpers.ts";

// Every statement that names a rotated agent is checked against its current key, whatever the
// kind: approvals and trust statements here, logins and delegations in rotation-routes.test.ts.
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

/** Registers an agent with a next key, rotates it to a fresh key, and logs it in with that key. */
async function rotatedAgent(): Promise<{ agent: TestAgent; old: Key; current: Key }> {
  const next = newKey();
  const agent = new TestAgent(target, clock);
  await registerWithInception(agent, { next });
  const old = { signer: agent.signer, did: agent.did };
  clock.now += 5;
  const current = newKey();
  const answer = await postEvent(
    agent,
    await rotation(agent, next, { k: current.did, auth: "next" }),
  );
  expect(answer.status).toBe(201);
  agent.signer = current.signer;
  expect((await agent.login()).status).toBe(201);
  return { agent, old, current };
}

async function plainAgent(): Promise<TestAgent> {
  const agent = new TestAgent(target, clock);
  expect((await agent.register()).status).toBe(201);
  expect((await agent.login()).status).toBe(201);
  return agent;
}

describe("signatures of a rotated agent", () => {
  it("takes an approval by the current key and refuses one by the replaced key", async () => {
    const { agent: kevin, old, current } = await rotatedAgent();
    const stuart = await plainAgent();
    const principal = principalKey();
    const root = rootDelegation(principal, kevin, {
      cmd: "/social",
      exp: clock.now + 3600,
      now: clock.now,
    });
    const child = childDelegation([root], kevin, stuart, {
      cmd: "/social/post",
      apr: { k: 1, of: [kevin.did] },
      now: clock.now,
    });
    const chain = [root, child];
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/post",
      args: { text: "hi" },
      principal: principal.did,
    });
    const pending = await authorize(stuart, { invocation, chain });
    expect(pending.body.decision).toBe("pending");
    const inv = pending.body.invocationHash as string;

    const byOld = signApproval({ iss: kevin.did, inv }, { signer: old.signer, now: clock.now });
    const refused = await kevin.call("POST", "/v1/approvals", undefined, { approval: byOld });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("ERR_KEY_UNKNOWN");
    expect((await stuart.call("GET", `/v1/authorize/${inv}`)).body.decision).toBe("pending");

    const byCurrent = signApproval(
      { iss: kevin.did, inv },
      { signer: current.signer, now: clock.now },
    );
    const accepted = await kevin.call("POST", "/v1/approvals", undefined, { approval: byCurrent });
    expect(accepted.status).toBe(201);
    expect((await stuart.call("GET", `/v1/authorize/${inv}`)).body.decision).toBe("allow");
  });

  it("takes a vouch by the current key under the agent ID and refuses one by the replaced key", async () => {
    const { agent: kevin, old, current } = await rotatedAgent();
    const worker = await plainAgent();
    const claims = { iss: kevin.did, sub: worker.did, aud: target.did, lvl: 1 };
    const vouch = (signer: Key["signer"]) =>
      signVouch({ ...claims, exp: clock.now + 86_400 }, { signer, now: clock.now });

    const refused = await send(target, "POST", "/v1/vouches", { vouch: vouch(old.signer) });
    expect(refused.body.code).toBe("ERR_KEY_UNKNOWN");
    const accepted = await send(target, "POST", "/v1/vouches", { vouch: vouch(current.signer) });
    expect(accepted.status).toBe(201);
    expect(accepted.body.vouch.voucher).toBe(kevin.did);
  });
});
