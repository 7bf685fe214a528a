import { rmSync } from "node:fs";
import {
  decodeBase64url,
  encodeBase64url,
  type HandleChallenge,
  publicKeyFromJwk,
  verifyHandleBinding,
} from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claim,
  handleStatement,
  postWithSession,
  requestChallenge,
  sendClaim,
  solve,
} from "../helpers/handle-agent.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
const target: RelayTarget = { url: "", did: "", origin: "" };
const HANDLES = {
  insecureFixedDifficultyForTests: 64,
  challengeLifetimeSeconds: 60,
  maxPerAgent: 2,
};
let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now, handles: HANDLES });
  Object.assign(target, { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url });
});
afterAll(async () => {
  await relay.close();
  rmSync(relay.dataDir, { recursive: true, force: true });
});

async function loggedIn(): Promise<TestAgent> {
  const agent = new TestAgent(target, clock);
  expect((await agent.register()).status).toBe(201);
  expect((await agent.login()).status).toBe(201);
  return agent;
}

async function challengeFor(agent: TestAgent, handle: string): Promise<HandleChallenge> {
  const answer = await requestChallenge(agent, handle);
  expect(answer.status).toBe(201);
  return answer.body.challenge;
}

describe("POST /v1/handles/challenge", () => {
  it("issues a challenge for the canonical name and publishes its difficulty", async () => {
    const agent = await loggedIn();
    const answer = await requestChallenge(agent, "ＫｅＶｉｎ-Ch");
    expect(answer.status).toBe(201);
    expect(answer.body.challenge).toMatchObject({
      handle: "kevin-ch",
      agent: agent.did,
      difficulty: 64,
      expiresAt: clock.now + 60,
    });
    expect(answer.body.difficulty).toEqual({
      expectedHashes: 64,
      lengthFactor: 1,
      rateFactor: 1,
      memoryHard: false,
      recentClaims: expect.any(Number),
    });
  });

  it.each([
    ["a reserved name", "ADMIN", "ERR_HANDLE_RESERVED"],
    ["a Cyrillic look-alike", "k\u0435vin", "ERR_HANDLE_INVALID"],
    ["a mixed-script name", "pаypal", "ERR_HANDLE_INVALID"],
    ["a zero-width joiner", "ke\u200dvin", "ERR_HANDLE_INVALID"],
    ["a name too short", "ab", "ERR_HANDLE_INVALID"],
    ["a double hyphen", "xn--kevin", "ERR_HANDLE_INVALID"],
  ])("refuses %s", async (_label, handle, code) => {
    const agent = new TestAgent(target, clock);
    await agent.register();
    const answer = await requestChallenge(agent, handle);
    expect(answer.body.code).toBe(code);
  });

  it("refuses an agent the relay does not know", async () => {
    const stranger = new TestAgent(target, clock);
    expect((await requestChallenge(stranger, "stranger")).body.code).toBe("ERR_AGENT_NOT_FOUND");
  });
});

describe("POST /v1/handles", () => {
  it("claims a handle that resolves, with a binding the relay's JWKS verifies", async () => {
    const agent = await loggedIn();
    const claimed = await claim(agent, "Claimer-One");
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({
      handle: "claimer-one",
      agent: agent.did,
      since: clock.now,
    });

    const resolved = await send(target, "GET", "/v1/handles/CLAIMER-ONE");
    expect(resolved.status).toBe(200);
    const jwks = await send(target, "GET", "/.well-known/jwks.json");
    const relayKey = publicKeyFromJwk(jwks.body.keys[0]);
    const binding = verifyHandleBinding(resolved.body.binding, {
      relayKey,
      handle: "claimer-one",
      origin: target.origin,
      now: clock.now,
    });
    expect(binding).toMatchObject({ iss: target.did, sub: agent.did, handle: "claimer-one" });

    const record = await send(target, "GET", `/v1/agents/${agent.did}`);
    expect(record.body.handles).toEqual(["claimer-one"]);
  });

  it("claims a short handle, whose solution carries the memory-hard step", async () => {
    const agent = await loggedIn();
    const issued = await requestChallenge(agent, "zed4");
    expect(issued.body.difficulty.memoryHard).toBe(true);
    const solution = solve(agent, issued.body.challenge);
    expect(solution.memo).toBeDefined();
    expect((await sendClaim(agent, "zed4", issued.body.challenge, solution)).status).toBe(201);
  });

  it("refuses a replayed solution with ERR_POW_REPLAYED", async () => {
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "replayed");
    const solution = solve(agent, challenge);
    expect((await sendClaim(agent, "replayed", challenge, solution)).status).toBe(201);
    const again = await sendClaim(agent, "replayed", challenge, solution);
    expect(again.body.code).toBe("ERR_POW_REPLAYED");
  });

  it("refuses a solution for another handle with ERR_POW_INVALID", async () => {
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "handle-one");
    const answer = await sendClaim(agent, "handle-two", challenge, solve(agent, challenge));
    expect(answer.body.code).toBe("ERR_POW_INVALID");
  });

  it("refuses a solution for another agent with ERR_POW_INVALID", async () => {
    const owner = await loggedIn();
    const thief = await loggedIn();
    const challenge = await challengeFor(owner, "stolen-work");
    const answer = await sendClaim(thief, "stolen-work", challenge, solve(owner, challenge));
    expect(answer.body.code).toBe("ERR_POW_INVALID");
  });

  it("refuses an expired challenge with ERR_POW_EXPIRED", async () => {
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "too-late");
    const solution = solve(agent, challenge);
    clock.now += 60;
    const answer = await sendClaim(agent, "too-late", challenge, solution);
    expect(answer.body.code).toBe("ERR_POW_EXPIRED");
  });

  it("refuses a forged seed and an edited difficulty with ERR_POW_INVALID", async () => {
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "forged");
    const bytes = decodeBase64url(challenge.seed, "seed");
    bytes[47] = (bytes[47] ?? 0) ^ 1;
    const forged = { ...challenge, seed: encodeBase64url(bytes) };
    const answer = await sendClaim(agent, "forged", forged, solve(agent, forged));
    expect(answer.body.code).toBe("ERR_POW_INVALID");

    const cheaper = { ...challenge, difficulty: 32 };
    const edited = await sendClaim(agent, "forged", cheaper, solve(agent, cheaper));
    expect(edited.body.code).toBe("ERR_POW_INVALID");
  });

  it("refuses more handles than allowed with ERR_HANDLE_LIMIT_REACHED", async () => {
    const agent = await loggedIn();
    expect((await claim(agent, "limit-one")).status).toBe(201);
    const second = await challengeFor(agent, "limit-two");
    const third = await challengeFor(agent, "limit-three");
    expect((await sendClaim(agent, "limit-two", second, solve(agent, second))).status).toBe(201);
    const over = await sendClaim(agent, "limit-three", third, solve(agent, third));
    expect(over.body.code).toBe("ERR_HANDLE_LIMIT_REACHED");
    expect((await requestChallenge(agent, "limit-four")).body.code).toBe(
      "ERR_HANDLE_LIMIT_REACHED",
    );
  });

  it("refuses a held name, in any spelling, with ERR_HANDLE_TAKEN", async () => {
    const holder = await loggedIn();
    const other = await loggedIn();
    expect((await claim(holder, "popular")).status).toBe(201);
    expect((await requestChallenge(other, "ＰＯＰＵＬＡＲ")).body.code).toBe("ERR_HANDLE_TAKEN");
  });

  it("refuses a statement that names another seed with ERR_HANDLE_STATEMENT_INVALID", async () => {
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "seed-bound");
    const other = await challengeFor(agent, "seed-bound");
    const answer = await sendClaim(agent, "seed-bound", challenge, solve(agent, challenge), {
      seed: other.seed,
    });
    expect(answer.body.code).toBe("ERR_HANDLE_STATEMENT_INVALID");
  });

  it("refuses a claim without a session, or with a statement not signed by it", async () => {
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "no-session");
    const solution = solve(agent, challenge);
    const statement = handleStatement(agent, "claim", "no-session", { seed: challenge.seed });
    const body = { handle: "no-session", challenge, solution, statement };
    expect((await send(target, "POST", "/v1/handles", body)).body.code).toBe("ERR_SESSION_MISSING");

    const sessionSigner = agent.sessionSigner;
    agent.sessionSigner = agent.signer;
    const byIdentityKey = handleStatement(agent, "claim", "no-session", { seed: challenge.seed });
    agent.sessionSigner = sessionSigner;
    const answer = await postWithSession(agent, "/v1/handles", {
      ...body,
      statement: byIdentityKey,
    });
    expect(answer.body.code).toBe("ERR_JWS_KID_MISMATCH");
  });
});

describe("GET /v1/handles/{name}", () => {
  it("answers ERR_HANDLE_NOT_FOUND for a name nobody holds, and for a reserved one", async () => {
    expect((await send(target, "GET", "/v1/handles/nobody-here")).body.code).toBe(
      "ERR_HANDLE_NOT_FOUND",
    );
    expect((await send(target, "GET", "/v1/handles/admin")).status).toBe(404);
  });

  it("answers ERR_HANDLE_INVALID for a look-alike", async () => {
    const answer = await send(target, "GET", `/v1/handles/${encodeURIComponent("kеvin")}`);
    expect(answer.body.code).toBe("ERR_HANDLE_INVALID");
  });
});

describe("OpenAPI", () => {
  it("documents every handle endpoint from its schema", async () => {
    const { body } = await send(target, "GET", "/openapi.json");
    for (const path of ["/v1/handles/challenge", "/v1/handles", "/v1/handles/{name}"]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
    for (const action of ["transfer", "accept", "release", "revoke"]) {
      expect(body.paths[`/v1/handles/{name}/${action}`].post).toBeDefined();
    }
  });
});

describe("restart", () => {
  it("remembers spent seeds, holdings and holder activity across a restart", async () => {
    const dataDir = relay.dataDir;
    const agent = await loggedIn();
    const challenge = await challengeFor(agent, "durable");
    const solution = solve(agent, challenge);
    expect((await sendClaim(agent, "durable", challenge, solution)).status).toBe(201);
    clock.now += 30;
    expect((await agent.call("GET", `/v1/agents/${agent.did}/sessions`)).status).toBe(200);

    await relay.app.close();
    const restarted = await startTestRelay({ now: () => clock.now, handles: HANDLES, dataDir });
    const moved = { url: restarted.url, did: target.did, origin: restarted.url };
    Object.assign(target, moved);
    try {
      expect((await send(target, "GET", "/v1/handles/durable")).body.agent).toBe(agent.did);
      const again = await sendClaim(agent, "durable", challenge, solution);
      expect(again.body.code).toBe("ERR_POW_REPLAYED");
      // The holder's last call was written on shutdown, though it was less than an hour old.
      expect(await restarted.app.relay.store.handles.lastSeen(agent.did)).toBe(clock.now);
    } finally {
      relay = restarted;
    }
  });
});
