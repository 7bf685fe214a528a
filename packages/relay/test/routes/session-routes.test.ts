import { createSigner, generateKeyPair } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
let relay: TestRelay;
let other: TestRelay;
let target: RelayTarget;
let otherTarget: RelayTarget;

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now });
  other = await startTestRelay({ now: () => clock.now });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  otherTarget = { url: other.url, did: other.app.relay.identity.did, origin: other.url };
});
afterAll(async () => {
  await relay.close();
  await other.close();
});

async function registeredAgent(instances = 2): Promise<TestAgent> {
  const agent = new TestAgent(target, clock);
  expect((await agent.register({ instances })).status).toBe(201);
  return agent;
}

function sessionsPath(agent: TestAgent): string {
  return `/v1/agents/${agent.did}/sessions`;
}

describe("challenges", () => {
  it("issues a 256-bit nonce bound to this relay for 60 s, with or without a body", async () => {
    const withBody = await send(target, "POST", "/v1/sessions/challenge", {});
    expect(withBody.status).toBe(201);
    expect(withBody.body).toEqual({
      nonce: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: clock.now + 60,
      relay: target.did,
      origin: target.origin,
    });
    const without = await send(target, "POST", "/v1/sessions/challenge");
    expect(without.status).toBe(201);
  });

  it("refuses a challenge request with fields", async () => {
    const answer = await send(target, "POST", "/v1/sessions/challenge", { nonce: "mine" });
    expect(answer.body.code).toBe("ERR_REQUEST_UNKNOWN_FIELD");
  });
});

describe("login", () => {
  it("answers a session token bound to the session key, at most 15 minutes", async () => {
    const agent = await registeredAgent();
    const answer = await agent.login({ instance: "worker-1" });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ expiresAt: clock.now + 900, instance: "worker-1" });
    const claims = JSON.parse(
      Buffer.from(answer.body.session.split(".")[1], "base64url").toString(),
    );
    expect(claims).toMatchObject({
      iss: target.did,
      aud: target.did,
      sub: agent.did,
      instance: "worker-1",
    });
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims.cnf.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("refuses a replayed challenge with ERR_CHALLENGE_USED", async () => {
    const agent = await registeredAgent();
    const nonce = await agent.challenge();
    const first = await send(target, "POST", "/v1/sessions", {
      login: agent.loginStatement(nonce),
    });
    expect(first.status).toBe(201);
    const replay = await send(target, "POST", "/v1/sessions", {
      login: agent.loginStatement(nonce),
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("ERR_CHALLENGE_USED");
  });

  it("refuses a nonce the relay never issued, or another relay's", async () => {
    const agent = await registeredAgent();
    const made = await send(target, "POST", "/v1/sessions", {
      login: agent.loginStatement("x".repeat(43)),
    });
    expect(made.body.code).toBe("ERR_CHALLENGE_UNKNOWN");
    const foreign = (await send(otherTarget, "POST", "/v1/sessions/challenge", {})).body.nonce;
    const answer = await send(target, "POST", "/v1/sessions", {
      login: agent.loginStatement(foreign),
    });
    expect(answer.body.code).toBe("ERR_CHALLENGE_UNKNOWN");
  });

  it("refuses an expired challenge with ERR_CHALLENGE_EXPIRED", async () => {
    const agent = await registeredAgent();
    const nonce = await agent.challenge();
    clock.now += 60;
    const answer = await send(target, "POST", "/v1/sessions", {
      login: agent.loginStatement(nonce),
    });
    expect(answer.body.code).toBe("ERR_CHALLENGE_EXPIRED");
  });

  it("refuses a login meant for another relay or origin with ERR_LOGIN_INVALID", async () => {
    const agent = await registeredAgent();
    for (const overrides of [{ aud: otherTarget.did }, { origin: "https://phish.example.com" }]) {
      const login = agent.loginStatement(await agent.challenge(), overrides);
      const answer = await send(target, "POST", "/v1/sessions", { login });
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("ERR_LOGIN_INVALID");
    }
  });

  it("refuses an unregistered agent with ERR_AGENT_NOT_FOUND", async () => {
    const stranger = new TestAgent(target, clock);
    expect((await stranger.login()).body.code).toBe("ERR_AGENT_NOT_FOUND");
  });

  it("refuses a login signed by another key with ERR_JWS_KID_MISMATCH", async () => {
    const agent = await registeredAgent();
    const impostor = new TestAgent(target, clock);
    const login = impostor.loginStatement(await agent.challenge());
    const forged = login.replace(
      login.split(".")[1]!,
      Buffer.from(
        JSON.stringify({
          ...JSON.parse(Buffer.from(login.split(".")[1]!, "base64url").toString()),
          iss: agent.did,
        }),
      ).toString("base64url"),
    );
    const answer = await send(target, "POST", "/v1/sessions", { login: forged });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_JWS_KID_MISMATCH");
  });

  it("refuses more live instances than declared with ERR_INSTANCES_EXCEEDED", async () => {
    const agent = await registeredAgent(1);
    expect((await agent.login({ instance: "a" })).status).toBe(201);
    expect((await agent.login({ instance: "a" })).status).toBe(201);
    const second = await agent.login({ instance: "b" });
    expect(second.status).toBe(403);
    expect(second.body.code).toBe("ERR_INSTANCES_EXCEEDED");
  });

  it.each([
    ["no login", {}, "ERR_REQUEST_FIELD_MISSING"],
    ["an extra field", { login: "a.b.c", instance: "x" }, "ERR_REQUEST_UNKNOWN_FIELD"],
    ["a login that is an object", { login: { a: 1 } }, "ERR_REQUEST_FIELD_INVALID"],
    ["a header that is not JSON", { login: "bm90IGpzb24.e30.c2ln" }, "ERR_JSON_INVALID"],
  ])("refuses %s", async (_name, body, code) => {
    const answer = await send(target, "POST", "/v1/sessions", body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
  });
});

describe("authenticated requests", () => {
  it("lists the agent's live sessions, marking the current one", async () => {
    const agent = await registeredAgent();
    await agent.login({ instance: "a" });
    const first = agent.sessionId;
    await agent.login({ instance: "b" });
    const answer = await agent.call("GET", sessionsPath(agent));
    expect(answer.status).toBe(200);
    const byId = Object.fromEntries(answer.body.sessions.map((s: { id: string }) => [s.id, s]));
    expect(byId[first]).toMatchObject({ instance: "a", current: false });
    expect(byId[agent.sessionId]).toMatchObject({ instance: "b", current: true });
  });

  it("refuses a replaced session with ERR_SESSION_REPLACED", async () => {
    const agent = await registeredAgent();
    await agent.login({ instance: "a" });
    const old = { token: agent.session, signer: agent.sessionSigner };
    await agent.login({ instance: "a" });
    const path = sessionsPath(agent);
    const proof = agent.proof("GET", path, { token: old.token, signer: old.signer });
    const answer = await agent.call("GET", path, {
      authorization: `DPoP ${old.token}`,
      dpop: proof,
    });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_SESSION_REPLACED");
  });

  it("refuses an expired session with ERR_SESSION_EXPIRED", async () => {
    const agent = await registeredAgent();
    await agent.login();
    clock.now += 900;
    const answer = await agent.call("GET", sessionsPath(agent));
    expect(answer.body.code).toBe("ERR_SESSION_EXPIRED");
  });

  it("refuses a session token of another relay with ERR_SESSION_WRONG_RELAY", async () => {
    const agent = new TestAgent(otherTarget, clock);
    await agent.register();
    await agent.login();
    const path = sessionsPath(agent);
    const answer = await send(target, "GET", path, undefined, {
      authorization: `DPoP ${agent.session}`,
      dpop: agent.proof("GET", path, { htu: target.origin + path }),
    });
    expect(answer.body.code).toBe("ERR_SESSION_WRONG_RELAY");
  });

  it("refuses a missing or non-DPoP authorization with ERR_SESSION_MISSING", async () => {
    const agent = await registeredAgent();
    await agent.login();
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${agent.session}` },
      { authorization: "DPoP" },
    ];
    for (const headers of attempts) {
      const answer = await send(target, "GET", sessionsPath(agent), undefined, headers);
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe("ERR_SESSION_MISSING");
    }
  });

  it("refuses an unknown token with ERR_SESSION_UNKNOWN", async () => {
    const answer = await send(
      target,
      "GET",
      `/v1/agents/${new TestAgent(target, clock).did}/sessions`,
      undefined,
      {
        authorization: "DPoP aaaa.bbbb.cccc",
      },
    );
    expect(answer.body.code).toBe("ERR_SESSION_UNKNOWN");
  });

  it("refuses a request without a proof with ERR_DPOP_MISSING", async () => {
    const agent = await registeredAgent();
    await agent.login();
    const answer = await agent.call("GET", sessionsPath(agent), {
      authorization: `DPoP ${agent.session}`,
    });
    expect(answer.body.code).toBe("ERR_DPOP_MISSING");
  });

  it("refuses a replayed proof with ERR_DPOP_REPLAYED", async () => {
    const agent = await registeredAgent();
    await agent.login();
    const headers = {
      authorization: `DPoP ${agent.session}`,
      dpop: agent.proof("GET", sessionsPath(agent)),
    };
    expect((await agent.call("GET", sessionsPath(agent), headers)).status).toBe(200);
    const replay = await agent.call("GET", sessionsPath(agent), headers);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("ERR_DPOP_REPLAYED");
  });

  it.each([
    ["another URI", (a: TestAgent) => a.proof("GET", "/v1/other"), "ERR_DPOP_URL_MISMATCH"],
    [
      "another method",
      (a: TestAgent) => a.proof("POST", sessionsPath(a)),
      "ERR_DPOP_METHOD_MISMATCH",
    ],
    [
      "another key",
      (a: TestAgent) =>
        a.proof("GET", sessionsPath(a), { signer: createSigner(generateKeyPair().seed) }),
      "ERR_DPOP_KEY_MISMATCH",
    ],
    [
      "another token",
      (a: TestAgent) => a.proof("GET", sessionsPath(a), { token: "x.y.z" }),
      "ERR_DPOP_TOKEN_MISMATCH",
    ],
    ["garbage", () => "not-a-proof", "ERR_DPOP_INVALID"],
  ])("refuses a proof for %s", async (_name, makeProof, code) => {
    const agent = await registeredAgent();
    await agent.login();
    const headers = { authorization: `DPoP ${agent.session}`, dpop: makeProof(agent) };
    const answer = await agent.call("GET", sessionsPath(agent), headers);
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe(code);
  });

  it("refuses a stale proof with ERR_DPOP_CLOCK_SKEW", async () => {
    const agent = await registeredAgent();
    await agent.login();
    const proof = agent.proof("GET", sessionsPath(agent));
    clock.now += 61;
    const answer = await agent.call("GET", sessionsPath(agent), {
      authorization: `DPoP ${agent.session}`,
      dpop: proof,
    });
    expect(answer.body.code).toBe("ERR_DPOP_CLOCK_SKEW");
  });

  it("shows an agent only its own sessions: ERR_SESSION_FORBIDDEN", async () => {
    const agent = await registeredAgent();
    const nosy = await registeredAgent();
    await nosy.login();
    const answer = await nosy.call("GET", sessionsPath(agent));
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe("ERR_SESSION_FORBIDDEN");
  });

  it("ends a session on DELETE; its token then fails, and a second DELETE is 404", async () => {
    const agent = await registeredAgent();
    await agent.login({ instance: "a" });
    const doomed = { id: agent.sessionId, token: agent.session, signer: agent.sessionSigner };
    await agent.login({ instance: "b" });
    const path = `${sessionsPath(agent)}/${doomed.id}`;
    expect((await agent.call("DELETE", path)).status).toBe(204);
    const again = await agent.call("DELETE", path);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("ERR_SESSION_NOT_FOUND");
    const proof = agent.proof("GET", sessionsPath(agent), {
      token: doomed.token,
      signer: doomed.signer,
    });
    const dead = await agent.call("GET", sessionsPath(agent), {
      authorization: `DPoP ${doomed.token}`,
      dpop: proof,
    });
    expect(dead.body.code).toBe("ERR_SESSION_UNKNOWN");
  });
});

describe("DPoP nonces (sessions.md 5.1)", () => {
  async function loggedIn(): Promise<TestAgent> {
    const agent = await registeredAgent();
    expect((await agent.login()).status).toBe(201);
    return agent;
  }
  const withProof = (agent: TestAgent, nonce: string | null) => ({
    authorization: `DPoP ${agent.session}`,
    dpop: agent.proof("GET", sessionsPath(agent), { nonce }),
  });

  it("hands out its nonce on every answer and refuses a proof without one, per RFC 9449", async () => {
    const agent = await loggedIn();
    expect(agent.nonces.get(target.url)).toMatch(/^[A-Za-z0-9_-]{16}\.\d+\.[A-Za-z0-9_-]{22}$/);
    const response = await fetch(target.url + sessionsPath(agent), {
      headers: withProof(agent, null),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe("ERR_DPOP_NONCE_REQUIRED");
    expect(response.headers.get("www-authenticate")).toMatch(/^DPoP error="use_dpop_nonce"/);
    expect(response.headers.get("dpop-nonce")).toBe(agent.nonces.get(target.url));
  });

  it("refuses a forged nonce and another relay's nonce", async () => {
    const agent = await loggedIn();
    const mine = agent.nonces.get(target.url)!;
    const [instance, window] = mine.split(".");
    const forged = `${instance}.${window}.${"A".repeat(22)}`;
    const elsewhere = (await send(otherTarget, "POST", "/v1/sessions/challenge")).nonce!;
    for (const nonce of [forged, elsewhere, "x"]) {
      const answer = await agent.call("GET", sessionsPath(agent), withProof(agent, nonce));
      expect(answer.body.code).toBe("ERR_DPOP_NONCE_REQUIRED");
    }
    expect((await agent.call("GET", sessionsPath(agent), withProof(agent, mine))).status).toBe(200);
  });

  it("accepts a nonce through the next window and refuses it after", async () => {
    const agent = await loggedIn();
    const start = clock.now;
    try {
      const nonce = agent.nonces.get(target.url)!;
      clock.now = (Math.floor(start / 60) + 1) * 60 + 30;
      const late = await agent.call("GET", sessionsPath(agent), withProof(agent, nonce));
      expect(late.status).toBe(200);
      expect(late.nonce).not.toBe(nonce);
      clock.now += 60;
      const stale = await agent.call("GET", sessionsPath(agent), withProof(agent, nonce));
      expect(stale.body.code).toBe("ERR_DPOP_NONCE_REQUIRED");
      // The client signs again with the nonce the refusal carried.
      expect((await agent.call("GET", sessionsPath(agent))).status).toBe(200);
    } finally {
      clock.now = start;
    }
  });
});

describe("restart", () => {
  it("keeps live sessions across a restart on the same data directory", async () => {
    const first = await startTestRelay({ now: () => clock.now });
    const dataDir = first.dataDir;
    const firstTarget = { url: first.url, did: first.app.relay.identity.did, origin: first.url };
    const agent = new TestAgent(firstTarget, clock);
    await agent.register();
    await agent.login();
    await first.app.close();

    const second = await startTestRelay({ now: () => clock.now, dataDir, publicUrl: first.url });
    try {
      const auth = (nonce?: string) => ({
        authorization: `DPoP ${agent.session}`,
        dpop: agent.proof("GET", sessionsPath(agent), nonce === undefined ? {} : { nonce }),
      });
      // The nonce the first process handed out means nothing to the second: sign again once.
      const stale = await send(second, "GET", sessionsPath(agent), undefined, auth());
      expect(stale.body.code).toBe("ERR_DPOP_NONCE_REQUIRED");
      const answer = await send(second, "GET", sessionsPath(agent), undefined, auth(stale.nonce));
      expect(answer.status).toBe(200);
      expect(answer.body.sessions).toHaveLength(1);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it("refuses after a restart a DPoP proof accepted before it", async () => {
    const first = await startTestRelay({ now: () => clock.now });
    const dataDir = first.dataDir;
    const firstTarget = { url: first.url, did: first.app.relay.identity.did, origin: first.url };
    const agent = new TestAgent(firstTarget, clock);
    await agent.register();
    await agent.login();
    const headers = {
      authorization: `DPoP ${agent.session}`,
      dpop: agent.proof("GET", sessionsPath(agent)),
    };
    expect((await agent.call("GET", sessionsPath(agent), headers)).status).toBe(200);
    expect((await agent.call("GET", sessionsPath(agent), headers)).body.code).toBe(
      "ERR_DPOP_REPLAYED",
    );
    await first.app.close();

    const second = await startTestRelay({ now: () => clock.now, dataDir, publicUrl: first.url });
    try {
      const replayed = await send(second, "GET", sessionsPath(agent), undefined, headers);
      expect(replayed.status).toBe(401);
      expect(replayed.body.code).toBe("ERR_DPOP_NONCE_REQUIRED");
      expect(replayed.nonce).toMatch(/^[A-Za-z0-9_-]{16}\.\d+\.[A-Za-z0-9_-]{22}$/);
      expect(replayed.nonce).not.toBe(agent.nonces.get(first.url));
    } finally {
      await second.close();
      await first.close();
    }
  });
});
