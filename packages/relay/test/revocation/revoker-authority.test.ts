import {
  REVOCATION_TYP,
  signCompactJws,
  signDelegation,
  signRevocationRequest,
  tokenHash,
} from "@ants/protocol";
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
let mallory: TestAgent;

async function agent(owner?: string): Promise<TestAgent> {
  const created = new TestAgent(target, clock);
  expect((await created.register(owner === undefined ? {} : { owner })).status).toBe(201);
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
  [kevin, stuart, mallory] = [await agent(), await agent(), await agent()];
});

const relayOf = () => ({ url: relay.url, did: target.did });

/** principal -> kevin -> stuart, used once so the relay has seen both links. */
async function usedChain(): Promise<string[]> {
  const exp = clock.now + 86_400;
  const root = rootDelegation(principal, kevin, { cmd: "/social", exp, now: clock.now });
  const child = childDelegation([root], kevin, stuart, { cmd: "/social/post", now: clock.now });
  const chain = [root, child];
  expect((await invokeAs(stuart, chain)).body.decision).toBe("allow");
  return chain;
}

function invokeAs(actor: TestAgent, chain: string[]) {
  const invocation = invocationFor(actor, chain, {
    cmd: "/social/post",
    args: {},
    principal: principal.did,
  });
  return authorize(actor, { invocation, chain });
}

describe("who may revoke", () => {
  it("refuses an agent revoking a token it is not above, with ERR_REVOCATION_FORBIDDEN", async () => {
    const chain = await usedChain();
    const answer = await revoke(relayOf(), clock, mallory, {
      kind: "token",
      target: tokenHash(chain[0]!),
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe("ERR_REVOCATION_FORBIDDEN");
    // The delegate below a token has no say over it either.
    const below = await revoke(relayOf(), clock, stuart, {
      kind: "token",
      target: tokenHash(chain[0]!),
    });
    expect(below.body.code).toBe("ERR_REVOCATION_FORBIDDEN");
    expect((await invokeAs(stuart, chain)).body.decision).toBe("allow");
  });

  it("lets the principal and every issuer above revoke a token", async () => {
    const chain = await usedChain();
    const byPrincipal = await revoke(relayOf(), clock, principal, {
      kind: "token",
      target: tokenHash(chain[1]!),
    });
    expect(byPrincipal.status).toBe(201);
    const again = await revoke(relayOf(), clock, kevin, {
      kind: "token",
      target: tokenHash(chain[1]!),
    });
    expect(again.status).toBe(200);
    expect(again.body.entry.seq).toBe(byPrincipal.body.entry.seq);
  });

  it("gives a token copied with another's jti no power over the original", async () => {
    const chain = await usedChain();
    const original = signDelegationClaims(chain[1]!);
    // Mallory issues her own token to herself with the same jti as kevin's, and has it seen.
    const copy = signDelegation(
      { aud: mallory.did, cmd: "/social", exp: clock.now + 3600, jti: original.jti },
      { signer: mallory.signer, now: clock.now },
    );
    const own = await revoke(
      relayOf(),
      clock,
      mallory,
      { kind: "token", target: tokenHash(copy) },
      { token: copy },
    );
    expect(own.status).toBe(201);
    expect((await invokeAs(stuart, chain)).body.decision).toBe("allow");
    const theirs = await revoke(relayOf(), clock, mallory, {
      kind: "token",
      target: tokenHash(chain[1]!),
    });
    expect(theirs.body.code).toBe("ERR_REVOCATION_FORBIDDEN");
    expect((await invokeAs(stuart, chain)).body.decision).toBe("allow");
  });

  it("refuses another agent's session, key or epoch", async () => {
    const cases = [
      { kind: "session" as const, target: kevin.sessionId },
      { kind: "key" as const, target: kidOf(kevin) },
      { kind: "key" as const, target: kidOf(kevin), sub: kevin.did },
      { kind: "issuer-epoch" as const, target: kevin.did, epoch: clock.now },
    ];
    for (const input of cases) {
      const answer = await revoke(relayOf(), clock, mallory, input);
      expect(answer.status, input.kind).toBe(403);
      expect(answer.body.code).toBe("ERR_REVOCATION_FORBIDDEN");
    }
    expect((await listSessions(kevin)).status).toBe(200);
  });

  it("lets the owner named at registration revoke the agent's key", async () => {
    const owner = principalKey();
    const owned = await agent(owner.did);
    const answer = await revoke(relayOf(), clock, owner, {
      kind: "key",
      target: kidOf(owned),
      sub: owned.did,
      reason: "recovery",
    });
    expect(answer.status).toBe(201);
    expect((await listSessions(owned)).body.code).toBe("ERR_REVOKED_KEY");
  });

  it("lets an operator revoke anything, even a token hash the relay never saw", async () => {
    const answer = await revoke(relayOf(), clock, operator, { kind: "key", target: kidOf(kevin) });
    expect(answer.status).toBe(201);
    const unseen = await revoke(relayOf(), clock, operator, {
      kind: "token",
      target: tokenHash("never.seen.token"),
    });
    expect(unseen.status).toBe(201);
  });
});

describe("requests that are refused before any authority is looked at", () => {
  it("refuses a replayed request with ERR_REVOCATION_REPLAYED", async () => {
    const request = signRevocationRequest(
      { aud: target.did, kind: "session", target: kevin.sessionId },
      { signer: kevin.signer, now: clock.now },
    );
    expect((await send(relay, "POST", "/v1/revocations", { request })).status).toBe(201);
    const again = await send(relay, "POST", "/v1/revocations", { request });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("ERR_REVOCATION_REPLAYED");
  });

  it("refuses another relay's request, a stale one, and a forged signature", async () => {
    const other = await revoke({ url: relay.url, did: principal.did }, clock, kevin, {
      kind: "session",
      target: kevin.sessionId,
    });
    expect(other.body.code).toBe("ERR_REVOCATION_INVALID");
    const stale = signRevocationRequest(
      { aud: target.did, kind: "session", target: kevin.sessionId },
      { signer: kevin.signer, now: clock.now - 3600 },
    );
    const old = await send(relay, "POST", "/v1/revocations", { request: stale });
    expect(old.body.code).toBe("ERR_REVOCATION_INVALID");
    const forged = signRevocationRequest(
      { iss: kevin.did, aud: target.did, kind: "key", target: kidOf(kevin) },
      { signer: mallory.signer, now: clock.now },
    );
    const answer = await send(relay, "POST", "/v1/revocations", { request: forged });
    expect(answer.status).toBe(401);
    expect(["ERR_SIGNATURE_INVALID", "ERR_JWS_KID_MISMATCH"]).toContain(answer.body.code);
    expect((await listSessions(kevin)).status).toBe(200);
  });

  it("refuses malformed bodies and targets with coded 400s", async () => {
    const bad = await send(relay, "POST", "/v1/revocations", { request: "a.b.c" });
    expect(bad.status).toBe(400);
    const request = signCompactJws(
      REVOCATION_TYP,
      {
        iss: kevin.did,
        aud: target.did,
        kind: "handle",
        target: "Not A Handle",
        iat: clock.now,
        jti: "j1",
      },
      kevin.signer,
    );
    const shape = await send(relay, "POST", "/v1/revocations", { request });
    expect(shape.status).toBe(400);
    expect(shape.body.code).toBe("ERR_REVOCATION_INVALID");
    const extra = await send(relay, "POST", "/v1/revocations", { request: "a.b.c", more: 1 });
    expect(extra.body.code).toBe("ERR_REQUEST_UNKNOWN_FIELD");
  });
});

function signDelegationClaims(token: string): { jti: string } {
  const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
  return { jti: payload.jti as string };
}
