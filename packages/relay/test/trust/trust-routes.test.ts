import { decodeLogEntry, signDelegation, signOutcome, signVouch } from "@ants/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseRelayPolicy } from "../../src/policy/relay-policy.ts";
import { authorize, invocationFor, principalKey, rootDelegation } from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { getTrust, postOutcome, postVouch } from "./trust-http.ts";

const clock: TestClock = { now: 1_767_225_600 };
const target: RelayTarget = { url: "", did: "", origin: "" };
const operator = new TestAgent(target, clock);
const reporter = new TestAgent(target, clock);
const trusted = new TestAgent(target, clock);
let relay: TestRelay;
let principal: ReturnType<typeof principalKey>;
let worker: TestAgent;

async function agent(instances = 2): Promise<TestAgent> {
  const created = new TestAgent(target, clock);
  expect((await created.register({ instances })).status).toBe(201);
  expect((await created.login()).status).toBe(201);
  return created;
}

beforeAll(async () => {
  relay = await startTestRelay({
    now: () => clock.now,
    operators: [operator.did],
    trust: { pinned: { [reporter.did]: 4, [trusted.did]: 3 }, refreshMs: 0 },
    policy: parseRelayPolicy({
      levels: { "/": 0, "/admin": 2 },
      sandbox: {
        "/social": { "0": { ratePerMinute: 2 }, "1": {} },
        "/pay": { "0": { approvals: { k: 1, of: [operator.did] } }, "2": {} },
      },
    }),
  });
  Object.assign(target, { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url });
  for (const known of [operator, reporter, trusted]) {
    expect((await known.register()).status).toBe(201);
    expect((await known.login()).status).toBe(201);
  }
});
afterAll(async () => {
  await relay.close();
});

beforeEach(async () => {
  clock.now += 1000;
  // Sessions last 15 minutes: the clock moved past them, so the fixed cast logs in again.
  for (const known of [operator, reporter, trusted]) expect((await known.login()).status).toBe(201);
  principal = principalKey();
  worker = await agent();
});

/** Authorizes `cmd` for `actor` on a root delegation from the principal. */
async function act(actor: TestAgent, cmd: string, extra: { lvl?: number } = {}) {
  const root =
    extra.lvl === undefined
      ? rootDelegation(principal, actor, { cmd, exp: clock.now + 3600, now: clock.now })
      : signDelegation(
          { aud: actor.did, cmd, exp: clock.now + 3600, lvl: extra.lvl },
          { signer: principal.signer, now: clock.now },
        );
  const invocation = invocationFor(actor, [root], { cmd, args: {}, principal: principal.did });
  return authorize(actor, { invocation, chain: [root] });
}

describe("POST /v1/vouches", () => {
  it("takes a vouch between registered agents once, and the same statement again as held", async () => {
    const vouch = signVouch(
      { sub: worker.did, aud: target.did, lvl: 2, exp: clock.now + 86_400 },
      { signer: trusted.signer, now: clock.now },
    );
    const first = await send(target, "POST", "/v1/vouches", { vouch });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, vouch: { voucher: trusted.did, level: 2 } });
    const again = await send(target, "POST", "/v1/vouches", { vouch });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
  });

  it("refuses each bad vouch with its code", async () => {
    const stranger = new TestAgent(target, clock);
    const expired = signVouch(
      { sub: worker.did, aud: target.did, lvl: 1, iat: clock.now - 100, exp: clock.now - 1 },
      { signer: trusted.signer },
    );
    const cases: [Promise<{ status: number; body: { code: string } }>, number, string][] = [
      [postVouch(worker, worker.did), 400, "ERR_TRUST_SELF_STATEMENT"],
      [postVouch(worker, stranger.did), 404, "ERR_AGENT_NOT_FOUND"],
      [postVouch(stranger, worker.did), 404, "ERR_AGENT_NOT_FOUND"],
      [postVouch(trusted, worker.did, { aud: operator.did }), 400, "ERR_TRUST_STATEMENT_INVALID"],
      [send(target, "POST", "/v1/vouches", { vouch: expired }), 401, "ERR_TOKEN_EXPIRED"],
      [send(target, "POST", "/v1/vouches", { vouch: "a.b.c" }), 400, "ERR_BASE64URL_INVALID"],
      [
        send(target, "POST", "/v1/vouches", { vouch: expired, x: 1 }),
        400,
        "ERR_REQUEST_UNKNOWN_FIELD",
      ],
    ];
    for (const [answer, status, code] of cases) {
      const { status: got, body } = await answer;
      expect({ got, code: body.code }).toEqual({ got: status, code });
    }
  });

  it("refuses an outcome report presented as a vouch", async () => {
    const outcome = signOutcome(
      { sub: worker.did, aud: target.did, inv: "A".repeat(43), res: "success" },
      { signer: trusted.signer, now: clock.now },
    );
    const answer = await send(target, "POST", "/v1/vouches", { vouch: outcome });
    expect(answer.body.code).toBe("ERR_JWS_TYP_MISMATCH");
  });
});

describe("POST /v1/outcomes", () => {
  it("counts a pinned reporter's outcome of an allowed action once", async () => {
    const decision = await act(worker, "/work/run");
    expect(decision.body.decision).toBe("allow");
    const inv = decision.body.invocationHash;
    const first = await postOutcome(reporter, { subject: worker.did, inv });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ counted: true, weight: 1 });
    const replay = await postOutcome(reporter, { subject: worker.did, inv, res: "failure" });
    expect([replay.status, replay.body.code]).toEqual([409, "ERR_TRUST_STATEMENT_REPLAYED"]);
    const explained = await getTrust(worker);
    expect(explained.body.gates[0]).toMatchObject({ gate: "evidence", detail: { successes: 1 } });
  });

  it("answers counted: false for a party at L0, whose report weighs nothing", async () => {
    const delegator = await agent();
    const root = rootDelegation(principal, delegator, {
      cmd: "/work",
      exp: clock.now + 3600,
      now: clock.now,
    });
    const { childDelegation } = await import("../helpers/scenario.ts");
    const child = childDelegation([root], delegator, worker, { cmd: "/work", now: clock.now });
    const invocation = invocationFor(worker, [root, child], {
      cmd: "/work/run",
      args: {},
      principal: principal.did,
    });
    const decision = await authorize(worker, { invocation, chain: [root, child] });
    expect(decision.body.decision).toBe("allow");
    const answer = await postOutcome(delegator, {
      subject: worker.did,
      inv: decision.body.invocationHash,
      res: "failure",
    });
    expect([answer.status, answer.body]).toEqual([200, { counted: false, weight: 0 }]);
  });

  it("refuses outcomes of unknown actions, of another actor, and from a non-party", async () => {
    const decision = await act(worker, "/work/run");
    const inv = decision.body.invocationHash;
    const other = await agent();
    const unknown = await postOutcome(reporter, { subject: worker.did, inv: "B".repeat(43) });
    expect([unknown.status, unknown.body.code]).toEqual([404, "ERR_OUTCOME_ACTION_UNKNOWN"]);
    const wrongActor = await postOutcome(reporter, { subject: other.did, inv });
    expect(wrongActor.body.code).toBe("ERR_OUTCOME_ACTION_UNKNOWN");
    const outsider = await postOutcome(other, { subject: worker.did, inv });
    expect([outsider.status, outsider.body.code]).toEqual([403, "ERR_OUTCOME_NOT_PARTY"]);
    const self = await postOutcome(worker, { subject: worker.did, inv });
    expect(self.body.code).toBe("ERR_TRUST_SELF_STATEMENT");
  });
});

describe("POST /v1/heartbeats", () => {
  it("covers the current slot once and reports the uptime", async () => {
    const first = await worker.call("POST", "/v1/heartbeats");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ agent: worker.did, instance: "i1", covered: true });
    const second = await worker.call("POST", "/v1/heartbeats");
    expect(second.body.covered).toBe(false);
  });

  it("refuses a heartbeat without a session or proof", async () => {
    const bare = await send(target, "POST", "/v1/heartbeats", {});
    expect([bare.status, bare.body.code]).toEqual([401, "ERR_SESSION_MISSING"]);
    const noProof = await worker.call("POST", "/v1/heartbeats", {
      authorization: `DPoP ${worker.session}`,
    });
    expect([noProof.status, noProof.body.code]).toEqual([401, "ERR_DPOP_MISSING"]);
  });
});

describe("POST /v1/agents/{id}/stake", () => {
  it("lets an operator set and slash a stake, down to zero at most", async () => {
    const path = `/v1/agents/${worker.did}/stake`;
    const set = await operator.call("POST", path, undefined, { action: "set", amount: 1000 });
    expect([set.status, set.body.stake]).toEqual([200, 1000]);
    const slash = { action: "slash", amount: 1500, reason: "fraud" };
    const slashed = await operator.call("POST", path, undefined, slash);
    expect(slashed.body).toMatchObject({ agent: worker.did, stake: 0, level: 0 });
  });

  it("refuses anyone but an operator, unknown agents and bad amounts", async () => {
    const path = `/v1/agents/${worker.did}/stake`;
    const self = await worker.call("POST", path, undefined, { action: "set", amount: 5 });
    expect([self.status, self.body.code]).toEqual([403, "ERR_TRUST_NOT_OPERATOR"]);
    const stranger = new TestAgent(target, clock);
    const missing = await operator.call("POST", `/v1/agents/${stranger.did}/stake`, undefined, {
      action: "set",
      amount: 5,
    });
    expect([missing.status, missing.body.code]).toEqual([404, "ERR_AGENT_NOT_FOUND"]);
    const negative = await operator.call("POST", path, undefined, { action: "set", amount: -1 });
    expect(negative.status).toBe(400);
    const verb = await operator.call("POST", path, undefined, { action: "double", amount: 1 });
    expect(verb.status).toBe(400);
  });
});

describe("GET /v1/agents/{id}/trust", () => {
  it("explains a new agent: L0, each gate with its value, thresholds and next step", async () => {
    const { status, body } = await getTrust(worker);
    expect(status).toBe(200);
    expect(body).toMatchObject({ agent: worker.did, level: 0, target: 0, formula: 1, hold: null });
    expect(body.gates.map((g: { gate: string }) => g.gate)).toEqual([
      "evidence",
      "uptime",
      "vouch",
      "stake",
      "age",
      "behaviour",
    ]);
    const vouch = body.gates[2];
    expect(vouch).toMatchObject({ level: 0, value: 0, next: { level: 1, threshold: 1 } });
    expect(vouch.raise).toMatch(/vouch of level 1/);
    expect(body.limitedBy).toContain("evidence");
  });

  it("shows a pinned agent at its level, and refuses unknown and malformed ids", async () => {
    expect((await getTrust(trusted)).body).toMatchObject({ level: 3, pinned: 3 });
    const stranger = new TestAgent(target, clock);
    const unknown = await getTrust(worker, stranger.did);
    expect([unknown.status, unknown.body.code]).toEqual([404, "ERR_AGENT_NOT_FOUND"]);
    const malformed = await getTrust(worker, "did:web:example.com");
    expect(malformed.status).toBe(400);
  });
});

describe("POST /v1/authorize with trust levels and the sandbox", () => {
  it("enforces the policy's level per command prefix and the chain's lvl", async () => {
    const denied = await act(worker, "/admin/users");
    expect(denied.body).toMatchObject({ decision: "deny", reason: "ERR_TRUST_LEVEL_TOO_LOW" });
    expect((await act(trusted, "/admin/users")).body.decision).toBe("allow");
    const aboveChain = await act(trusted, "/work/run", { lvl: 4 });
    expect(aboveChain.body).toMatchObject({ decision: "deny", reason: "ERR_TRUST_LEVEL_TOO_LOW" });
  });

  it("rate-limits an L0 agent per prefix, not an agent above the sandbox", async () => {
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await act(worker, "/social/post")).body);
    expect(answers.map((a) => a.decision)).toEqual(["allow", "allow", "deny"]);
    expect(answers[2].reason).toBe("ERR_SANDBOX_RATE_LIMITED");
    for (let i = 0; i < 3; i++)
      expect((await act(trusted, "/social/post")).body.decision).toBe("allow");
    clock.now += 120;
    expect((await act(worker, "/social/post")).body.decision).toBe("allow");
  });

  it("requires the sandbox's approvals at L0 and none above", async () => {
    const pending = await act(worker, "/pay/send");
    expect(pending.body).toMatchObject({ decision: "pending" });
    expect(pending.body.approvals[0]).toMatchObject({ k: 1, of: [operator.did] });
    expect((await act(trusted, "/pay/send")).body.decision).toBe("allow");
  });
});

describe("instances against the declared count", () => {
  it("keeps the level across a restart, and drops a copied key to L0 at once", async () => {
    const single = new TestAgent(target, clock);
    const relayTrust = relay.app.relay.trust;
    expect((await single.register({ instances: 1 })).status).toBe(201);
    expect((await single.login({ instance: "main" })).status).toBe(201);
    // Stand-in for an agent that earned L2: its level as the store would restore it.
    relayTrust.engine.restoreLevel(single.did, { level: 2, changedAt: clock.now });
    expect(relayTrust.levelOf(single.did)).toBe(2);

    expect((await single.login({ instance: "main" })).status).toBe(201);
    expect(relayTrust.levelOf(single.did)).toBe(2);
    const kept = single.session;

    const copy = await single.login({ instance: "copy" });
    expect([copy.status, copy.body.code]).toEqual([403, "ERR_INSTANCES_EXCEEDED"]);
    expect(relayTrust.levelOf(single.did)).toBe(0);
    const explained = (await getTrust(single)).body;
    expect(explained.hold).toMatchObject({ reason: "instances-exceeded" });
    const refused = await single.call("POST", "/v1/heartbeats", {
      authorization: `DPoP ${kept}`,
      dpop: single.proof("POST", "/v1/heartbeats", { token: kept }),
    });
    expect([refused.status, refused.body.code]).toEqual([401, "ERR_REVOKED_SESSION"]);

    await relay.app.relay.trust.close();
    await relay.app.relay.auditLog.checkpointNow();
    const found = await relay.app.relay.auditLog.reads.search({ agent: single.did, limit: 50 });
    const events = found.results
      .map((result) => decodeLogEntry(result.entry))
      .filter((entry) => entry.type === "event");
    expect(events.map((entry) => `${entry.event}/${entry.action}`)).toContain("trust/dropped");
  });
});
