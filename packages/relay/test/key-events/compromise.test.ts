import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorize,
  childDelegation,
  invocationFor,
  principalKey,
  rootDelegation,
} from "../helpers/scenario.ts";
import { type RelayTarget, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import {
  fetchLog,
  type Key,
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

/** An agent with a key event log, a delegate, and a way to draft through a two-link chain. */
async function scenario(recovery: { next: Key; owner?: Key }) {
  const kevin = new TestAgent(target, clock);
  await registerWithInception(kevin, recovery);
  const stuart = new TestAgent(target, clock);
  expect((await stuart.register()).status).toBe(201);
  expect((await stuart.login()).status).toBe(201);
  const principal = principalKey();
  const root = rootDelegation(principal, kevin, {
    cmd: "/social",
    exp: clock.now + 86_400 * 7,
    now: clock.now,
  });
  const child = () =>
    childDelegation([root], kevin, stuart, {
      cmd: "/social/draft",
      exp: clock.now + 86_400 * 5,
      now: clock.now,
    });
  const draft = async (link: string) => {
    const chain = [root, link];
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: { text: "hi" },
      principal: principal.did,
    });
    const answer = await authorize(stuart, { invocation, chain, resource: "https://x.example" });
    return answer.body as { decision: string; reason?: string };
  };
  return { kevin, child, draft };
}

describe("rotation for compromise", () => {
  it("refuses what the stolen key signed that the relay first saw after the compromise time", async () => {
    const next = newKey();
    const { kevin, child, draft } = await scenario({ next });
    const before = child();
    expect((await draft(before)).decision).toBe("allow");

    clock.now += 100;
    const compromisedSince = clock.now;
    clock.now += 100;
    const byThief = child();
    expect((await draft(byThief)).decision).toBe("allow");
    const neverSeen = child();

    clock.now += 100;
    const event = await rotation(kevin, next, {
      k: newKey().did,
      auth: "next",
      rsn: "compromise",
      cmp: compromisedSince,
    });
    expect((await postEvent(kevin, event)).status).toBe(201);

    expect((await draft(before)).decision).toBe("allow");
    expect(await draft(byThief)).toMatchObject({ decision: "deny", reason: "ERR_KEY_UNKNOWN" });
    expect(await draft(neverSeen)).toMatchObject({ decision: "deny", reason: "ERR_KEY_UNKNOWN" });
  });

  it("refuses every token an overridden rotation's key signed", async () => {
    const next = newKey();
    const owner = newKey();
    const { kevin, child, draft } = await scenario({ next, owner });
    const thief = newKey();
    const theft = await rotation(kevin, next, { k: thief.did, auth: "next" });
    expect((await postEvent(kevin, theft)).status).toBe(201);
    kevin.signer = thief.signer;
    clock.now += 60;
    const signedByThief = child();
    expect((await draft(signedByThief)).decision).toBe("allow");

    clock.now += 600;
    const ovr = (await fetchLog(kevin)).events[1]!.hash;
    const override = await rotation(kevin, owner, { k: newKey().did, auth: "owner", ovr });
    expect((await postEvent(kevin, override)).status).toBe(201);
    expect(await draft(signedByThief)).toMatchObject({
      decision: "deny",
      reason: "ERR_KEY_UNKNOWN",
    });
    expect(await draft(child())).toMatchObject({ decision: "deny", reason: "ERR_KEY_UNKNOWN" });
  });
});
