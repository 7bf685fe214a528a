import { signCompactJws } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const clock: TestClock = { now: 1_767_225_600 };
let relay: TestRelay;
let target: RelayTarget;

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
});
afterAll(async () => {
  await relay.close();
});

describe("POST /v1/agents", () => {
  it("registers an agent signed by its own key, once", async () => {
    const agent = new TestAgent(target, clock);
    const owner = new TestAgent(target, clock).did;
    const first = await agent.register({ instances: 3, owner });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: agent.did,
      instances: 3,
      owner,
      registeredAt: clock.now,
    });
    expect(first.body.publicKeyJwk.kty).toBe("OKP");

    const again = await agent.register();
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("ERR_AGENT_EXISTS");
  });

  it("refuses a statement for another relay", async () => {
    const agent = new TestAgent(target, clock);
    const registration = agent.registration({ aud: agent.did });
    const answer = await send(target, "POST", "/v1/agents", { registration });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_REGISTRATION_INVALID");
  });

  it("refuses a stale statement", async () => {
    const agent = new TestAgent(target, clock);
    const registration = agent.registration();
    clock.now += 61;
    const answer = await send(target, "POST", "/v1/agents", { registration });
    expect(answer.body.code).toBe("ERR_REGISTRATION_INVALID");
  });

  it("refuses a forged signature with 401 ERR_SIGNATURE_INVALID", async () => {
    const agent = new TestAgent(target, clock);
    const registration = agent.registration();
    const forged = `${registration.slice(0, registration.lastIndexOf(".") + 1)}${"A".repeat(86)}`;
    const answer = await send(target, "POST", "/v1/agents", { registration: forged });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_SIGNATURE_INVALID");
  });

  it("refuses another kind of token with ERR_JWS_TYP_MISMATCH", async () => {
    const agent = new TestAgent(target, clock);
    const claims = { iss: agent.did, aud: target.did, iat: clock.now, jti: "j", instances: 1 };
    const registration = signCompactJws("ants-login+jwt", claims, agent.signer);
    const answer = await send(target, "POST", "/v1/agents", { registration });
    expect(answer.body.code).toBe("ERR_JWS_TYP_MISMATCH");
  });

  it.each([
    ["an empty body", {}, "ERR_REQUEST_FIELD_MISSING"],
    ["an unknown field", { registration: "a.b.c", admin: true }, "ERR_REQUEST_UNKNOWN_FIELD"],
    ["a number", { registration: 5 }, "ERR_REQUEST_FIELD_INVALID"],
    ["a token with padding", { registration: "YQ==.b.c" }, "ERR_REQUEST_FIELD_INVALID"],
    ["two parts", { registration: "a.b" }, "ERR_REQUEST_FIELD_INVALID"],
    ["bad base64 in the header", { registration: "a.b.c" }, "ERR_BASE64URL_INVALID"],
    [
      "an oversized token",
      { registration: `${"a".repeat(17000)}.b.c` },
      "ERR_REQUEST_FIELD_INVALID",
    ],
  ])("refuses %s", async (_name, body, code) => {
    const answer = await send(target, "POST", "/v1/agents", body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(code);
  });
});

describe("GET /v1/agents/{id}", () => {
  it("answers a registered agent's public record without its recovery material", async () => {
    const agent = new TestAgent(target, clock);
    await agent.register({ instances: 1 });
    const answer = await send(target, "GET", `/v1/agents/${agent.did}`);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual([
      "handles",
      "id",
      "instances",
      "owner",
      "publicKeyJwk",
      "registeredAt",
    ]);
    expect(answer.body.owner).toBeNull();
  });

  it("answers 404 ERR_AGENT_NOT_FOUND for an unknown agent", async () => {
    const answer = await send(target, "GET", `/v1/agents/${new TestAgent(target, clock).did}`);
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe("ERR_AGENT_NOT_FOUND");
  });

  it("refuses an id that is not a did:key", async () => {
    const answer = await send(target, "GET", "/v1/agents/alice");
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_REQUEST_FIELD_INVALID");
  });
});
