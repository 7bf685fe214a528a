import { decodeLogEntry } from "@ants/protocol";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  approvalBy,
  authorize,
  childDelegation,
  invocationFor,
  principalKey,
  rootDelegation,
} from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
const RESOURCE = "https://social.example.com";
let relay: TestRelay;
let target: RelayTarget;
let principal: ReturnType<typeof principalKey>;
let kevin: TestAgent;
let stuart: TestAgent;
let root: string;

async function agent(): Promise<TestAgent> {
  const created = new TestAgent(target, clock);
  expect((await created.register()).status).toBe(201);
  expect((await created.login()).status).toBe(201);
  return created;
}

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now, policy: undefined });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
});
afterAll(async () => {
  await relay.close();
});

beforeEach(async () => {
  clock.now += 1000;
  principal = principalKey();
  kevin = await agent();
  stuart = await agent();
  root = rootDelegation(principal, kevin, {
    cmd: "/social",
    exp: clock.now + 86_400,
    now: clock.now,
  });
});

function draftChain(): string[] {
  return [
    root,
    childDelegation([root], kevin, stuart, {
      cmd: "/social/draft",
      exp: clock.now + 3600,
      now: clock.now,
    }),
  ];
}

function postChain(): string[] {
  const apr = { k: 1, of: [kevin.did] };
  return [
    root,
    childDelegation([root], kevin, stuart, {
      cmd: "/social/post",
      exp: clock.now + 3600,
      apr,
      now: clock.now,
    }),
  ];
}

describe("POST /v1/authorize", () => {
  it("allows a covered command with an RFC 9068 token bound to args, session key and resource", async () => {
    const chain = draftChain();
    const args = { text: "hello" };
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args,
      principal: principal.did,
    });
    const answer = await authorize(stuart, { invocation, chain, resource: RESOURCE });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      decision: "allow",
      actor: stuart.did,
      principal: principal.did,
      command: "/social/draft",
    });
    expect(answer.body.auditIndex).toBeGreaterThanOrEqual(0);

    const jwks = createLocalJWKSet(
      await (await fetch(`${relay.url}/.well-known/jwks.json`)).json(),
    );
    const { payload, protectedHeader } = await jwtVerify(answer.body.accessToken, jwks, {
      issuer: relay.url,
      audience: RESOURCE,
      typ: "at+jwt",
      currentDate: new Date(clock.now * 1000),
    });
    expect(protectedHeader.alg).toBe("EdDSA");
    expect(payload).toMatchObject({
      sub: principal.did,
      client_id: stuart.did,
      cmd: "/social/draft",
      act: { sub: stuart.did, act: { sub: kevin.did } },
    });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(300);
    expect(payload.cnf).toEqual({
      jkt: relay.app.relay.sessions.lookup(stuart.session, clock.now)!.jkt,
    });
    expect(payload.audit_index).toBe(answer.body.auditIndex);
    expect(typeof payload.args_hash).toBe("string");
  });

  it("allows without an access token when no resource is named", async () => {
    const chain = draftChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(stuart, { invocation, chain });
    expect(answer.body.decision).toBe("allow");
    expect(answer.body.accessToken).toBeUndefined();
  });

  it("denies a widened command with its reason code, and audits it", async () => {
    const chain = postChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/delete",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(stuart, { invocation, chain, resource: RESOURCE });
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_INVOCATION_CMD_MISMATCH" });
    const stored = decodeLogEntry(
      await relay.app.relay.auditLog.reads.entry(answer.body.auditIndex),
    );
    expect(stored).toMatchObject({
      decision: "deny",
      reason: "ERR_INVOCATION_CMD_MISMATCH",
      actor: stuart.did,
    });
  });

  it("records the instructor whose logged invocation was addressed to the actor", async () => {
    const instruct = async (resource: string): Promise<string> => {
      const invocation = invocationFor(kevin, [root], {
        cmd: "/social/draft",
        args: { text: "draft this" },
        principal: principal.did,
      });
      const answer = await authorize(kevin, { invocation, chain: [root], resource });
      expect(answer.body).toMatchObject({ decision: "allow" });
      return answer.body.invocationHash;
    };
    const carryOut = async (cause: string): Promise<unknown> => {
      const chain = draftChain();
      const invocation = invocationFor(stuart, chain, {
        cmd: "/social/draft",
        args: { text: "drafted" },
        principal: principal.did,
        cause,
      });
      const answer = await authorize(stuart, { invocation, chain, resource: RESOURCE });
      expect(answer.body.decision).toBe("allow");
      const entry = await relay.app.relay.auditLog.reads.entry(answer.body.auditIndex);
      return decodeLogEntry(entry);
    };

    const addressed = await instruct(stuart.did);
    expect(await carryOut(addressed)).toMatchObject({ instructor: kevin.did });

    const elsewhere = await instruct(RESOURCE);
    expect(await carryOut(elsewhere)).toMatchObject({ instructor: null });
  });

  it("denies an expired delegation with ERR_TOKEN_EXPIRED", async () => {
    const chain = [
      root,
      childDelegation([root], kevin, stuart, {
        cmd: "/social/draft",
        exp: clock.now + 10,
        now: clock.now,
      }),
    ];
    clock.now += 20;
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(stuart, { invocation, chain });
    expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_TOKEN_EXPIRED" });
  });

  it("denies a revoked delegation with ERR_REVOKED_TOKEN", async () => {
    const chain = draftChain();
    const first = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    expect((await authorize(stuart, { invocation: first, chain })).body.decision).toBe("allow");
    const { tokenHash } = await import("@ants/protocol");
    await relay.app.relay.revocations.revoke({
      kind: "token",
      target: tokenHash(chain[1]!),
      reason: "test",
      revoker: kevin.did,
      at: clock.now,
    });
    const second = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    expect((await authorize(stuart, { invocation: second, chain })).body).toMatchObject({
      decision: "deny",
      reason: "ERR_REVOKED_TOKEN",
    });
  });

  it("denies a command above the caller's trust level with ERR_TRUST_LEVEL_TOO_LOW", async () => {
    const { parseRelayPolicy } = await import("../../src/policy/relay-policy.ts");
    const strict = await startTestRelay({
      now: () => clock.now,
      policy: parseRelayPolicy({ levels: { "/social/draft": 1 } }),
    });
    try {
      const strictTarget = {
        url: strict.url,
        did: strict.app.relay.identity.did,
        origin: strict.url,
      };
      const actor = new TestAgent(strictTarget, clock);
      await actor.register();
      await actor.login();
      const chain = [
        rootDelegation(principal, actor, { cmd: "/social", exp: clock.now + 600, now: clock.now }),
      ];
      const invocation = invocationFor(actor, chain, {
        cmd: "/social/draft",
        args: {},
        principal: principal.did,
      });
      const answer = await authorize(actor, { invocation, chain });
      expect(answer.body).toMatchObject({ decision: "deny", reason: "ERR_TRUST_LEVEL_TOO_LOW" });
    } finally {
      await strict.close();
    }
  });

  it("refuses a replayed invocation with ERR_INVOCATION_REPLAYED, unaudited", async () => {
    const chain = draftChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    const first = await authorize(stuart, { invocation, chain });
    expect(first.body.decision).toBe("allow");
    const replay = await authorize(stuart, { invocation, chain });
    expect(replay.status).toBe(403);
    expect(replay.body.code).toBe("ERR_INVOCATION_REPLAYED");
    expect(await relay.app.relay.store.decisions.get(first.body.auditIndex + 1)).toBeUndefined();
  });

  it("refuses, unaudited, an invocation another agent signed", async () => {
    const chain = draftChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
    });
    const answer = await authorize(kevin, { invocation, chain });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_INVOCATION_ACTOR_MISMATCH");
  });

  it("refuses a forged invocation signature with 401 even when the chain fails first", async () => {
    const widened = postChain();
    const invocation = invocationFor(stuart, widened, {
      cmd: "/social/delete",
      args: {},
      principal: principal.did,
    });
    const forged = `${invocation.slice(0, invocation.lastIndexOf(".") + 1)}${"A".repeat(86)}`;
    const answer = await authorize(stuart, { invocation: forged, chain: widened });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_SIGNATURE_INVALID");
  });

  it("refuses an invocation signed for another URI or too old", async () => {
    const chain = draftChain();
    const stale = invocationFor(stuart, chain, {
      cmd: "/social/draft",
      args: {},
      principal: principal.did,
      iat: clock.now - 61,
    });
    expect((await authorize(stuart, { invocation: stale, chain })).body.code).toBe(
      "ERR_INVOCATION_CLOCK_SKEW",
    );
  });

  it("refuses a resource that is the relay itself", async () => {
    const chain = draftChain();
    for (const resource of [`${relay.url}/v1/agents`, relay.app.relay.identity.did]) {
      const invocation = invocationFor(stuart, chain, {
        cmd: "/social/draft",
        args: {},
        principal: principal.did,
      });
      const answer = await authorize(stuart, { invocation, chain, resource });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("ERR_RESOURCE_IS_RELAY");
    }
  });

  it.each([
    ["no chain", { invocation: "a.b.c" }, "ERR_REQUEST_FIELD_MISSING"],
    ["an empty chain", { invocation: "a.b.c", chain: [] }, "ERR_REQUEST_FIELD_INVALID"],
    [
      "nine delegations",
      { invocation: "a.b.c", chain: Array(9).fill("a.b.c") },
      "ERR_REQUEST_FIELD_INVALID",
    ],
    [
      "an unknown field",
      { invocation: "a.b.c", chain: ["a.b.c"], admin: true },
      "ERR_REQUEST_UNKNOWN_FIELD",
    ],
    [
      "a resource with a fragment",
      { invocation: "a.b.c", chain: ["a.b.c"], resource: "https://x.example/#f" },
      "ERR_RESOURCE_INVALID",
    ],
    [
      "a relative resource",
      { invocation: "a.b.c", chain: ["a.b.c"], resource: "/social" },
      "ERR_RESOURCE_INVALID",
    ],
    [
      "a resource that is not a valid did:key",
      { invocation: "a.b.c", chain: ["a.b.c"], resource: "did:key:z6MkNotAKey" },
      "ERR_RESOURCE_INVALID",
    ],
    [
      "a resource with another DID method",
      { invocation: "a.b.c", chain: ["a.b.c"], resource: "did:web:agent.example" },
      "ERR_RESOURCE_INVALID",
    ],
  ])("refuses %s", async (_name, body, code) => {
    const answer = await authorize(stuart, body as never);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
  });

  it("refuses a call without a session with ERR_SESSION_MISSING", async () => {
    const answer = await send(target, "POST", "/v1/authorize", {
      invocation: "a.b.c",
      chain: ["a.b.c"],
    });
    expect(answer.body.code).toBe("ERR_SESSION_MISSING");
  });
});

describe("approvals", () => {
  it("answers pending, then allow once the listed approver signs", async () => {
    const chain = postChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/post",
      args: { text: "ship it" },
      principal: principal.did,
    });
    const pending = await authorize(stuart, { invocation, chain, resource: RESOURCE });
    expect(pending.body).toMatchObject({
      decision: "pending",
      approvals: [{ k: 1, of: [kevin.did], approvedBy: [] }],
    });
    const hash = pending.body.invocationHash;

    const early = await stuart.call("GET", `/v1/authorize/${hash}`);
    expect(early.body.decision).toBe("pending");

    const approved = await kevin.call("POST", "/v1/approvals", undefined, {
      approval: approvalBy(kevin, hash),
    });
    expect(approved.status).toBe(201);
    expect(approved.body).toEqual({
      invocationHash: hash,
      approvedBy: [kevin.did],
      satisfied: true,
    });

    const allowed = await stuart.call("GET", `/v1/authorize/${hash}`);
    expect(allowed.body).toMatchObject({ decision: "allow", resource: RESOURCE });
    expect(typeof allowed.body.accessToken).toBe("string");
    const again = await stuart.call("GET", `/v1/authorize/${hash}`);
    expect(again.body.accessToken).toBe(allowed.body.accessToken);
    const seenByKevin = await kevin.call("GET", `/v1/authorize/${hash}`);
    expect(seenByKevin.body.decision).toBe("allow");
    expect(seenByKevin.body.accessToken).toBeUndefined();
  });

  it("refuses an approver the chain does not list, and hides the decision from strangers", async () => {
    const chain = postChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const hash = (await authorize(stuart, { invocation, chain })).body.invocationHash;
    const stranger = await agent();
    const answer = await stranger.call("POST", "/v1/approvals", undefined, {
      approval: approvalBy(stranger, hash),
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe("ERR_APPROVER_NOT_LISTED");
    const peek = await stranger.call("GET", `/v1/authorize/${hash}`);
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe("ERR_PENDING_NOT_FOUND");
  });

  it("refuses an approval of an unknown invocation, or of one already decided", async () => {
    const unknown = await kevin.call("POST", "/v1/approvals", undefined, {
      approval: approvalBy(kevin, "x".repeat(43)),
    });
    expect(unknown.body.code).toBe("ERR_PENDING_NOT_FOUND");
    const chain = postChain();
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const hash = (await authorize(stuart, { invocation, chain })).body.invocationHash;
    await kevin.call("POST", "/v1/approvals", undefined, { approval: approvalBy(kevin, hash) });
    await stuart.call("GET", `/v1/authorize/${hash}`);
    const late = await kevin.call("POST", "/v1/approvals", undefined, {
      approval: approvalBy(kevin, hash),
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe("ERR_APPROVAL_NOT_NEEDED");
  });

  it("denies a pending invocation whose chain expired while it waited", async () => {
    const apr = { k: 1, of: [kevin.did] };
    const chain = [
      root,
      childDelegation([root], kevin, stuart, {
        cmd: "/social/post",
        exp: clock.now + 100,
        apr,
        now: clock.now,
      }),
    ];
    const invocation = invocationFor(stuart, chain, {
      cmd: "/social/post",
      args: {},
      principal: principal.did,
    });
    const hash = (await authorize(stuart, { invocation, chain })).body.invocationHash;
    await kevin.call("POST", "/v1/approvals", undefined, { approval: approvalBy(kevin, hash) });
    clock.now += 200;
    await stuart.login();
    const answer = await stuart.call("GET", `/v1/authorize/${hash}`);
    expect(answer.body).toMatchObject({ decision: "deny" });
  });
});
