import { createSigner, generateKeyPair } from "@ants/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RelayTarget, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { assertionFor, postForm, tokenProof } from "./oauth-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
let relay: TestRelay;
let target: RelayTarget;
let kevin: TestAgent;
let stuart: TestAgent;
const dpopKey = createSigner(generateKeyPair().seed);

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
});
afterAll(async () => {
  await relay.close();
});
beforeEach(async () => {
  clock.now += 1000;
  kevin = new TestAgent(target, clock);
  stuart = new TestAgent(target, clock);
  expect((await kevin.register()).status).toBe(201);
  expect((await stuart.register()).status).toBe(201);
});

function clientAuth(agent: TestAgent): Record<string, string> {
  return {
    client_id: agent.did,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertionFor(agent, clock, relay.url),
  };
}

async function issue(agent: TestAgent): Promise<string> {
  const tokenUrl = `${relay.url}/oauth/token`;
  const answer = await postForm(
    tokenUrl,
    {
      grant_type: "client_credentials",
      ...clientAuth(agent),
      resource: "https://api.example.com",
      scope: "/social",
    },
    { dpop: tokenProof(dpopKey, clock, tokenUrl) },
  );
  expect(answer.status).toBe(200);
  return answer.body.access_token;
}

const introspect = (by: TestAgent, token: string) =>
  postForm(`${relay.url}/oauth/introspect`, { ...clientAuth(by), token });
const revokeToken = (by: TestAgent, token: string) =>
  postForm(`${relay.url}/oauth/revoke`, { ...clientAuth(by), token });

describe("POST /oauth/introspect (RFC 7662)", () => {
  it("answers an active token's claims", async () => {
    const token = await issue(kevin);
    const answer = await introspect(stuart, token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      active: true,
      token_type: "DPoP",
      client_id: kevin.did,
      aud: "https://api.example.com",
    });
  });

  it("answers active: false for a forged, expired or foreign token", async () => {
    const token = await issue(kevin);
    const forged = `${token.slice(0, -4)}AAAA`;
    expect((await introspect(stuart, forged)).body).toEqual({ active: false });
    expect((await introspect(stuart, "not-a-token")).body).toEqual({ active: false });
    clock.now += 301;
    expect((await introspect(stuart, token)).body).toEqual({ active: false });
  });

  it("refuses a caller without client authentication", async () => {
    const token = await issue(kevin);
    const answer = await postForm(`${relay.url}/oauth/introspect`, { token });
    expect(answer.body).toMatchObject({
      error: "invalid_request",
      code: "ERR_OAUTH_REQUEST_INVALID",
    });
  });
});

describe("POST /oauth/revoke (RFC 7009)", () => {
  it("revokes the client's own token, which introspection then reports inactive", async () => {
    const token = await issue(kevin);
    const answer = await revokeToken(kevin, token);
    expect(answer.status).toBe(200);
    expect((await introspect(stuart, token)).body).toEqual({ active: false });
  });

  it("answers 200 but leaves another client's token alone", async () => {
    const token = await issue(kevin);
    expect((await revokeToken(stuart, token)).status).toBe(200);
    expect((await introspect(stuart, token)).body.active).toBe(true);
  });
});
