import { createSigner, generateKeyPair, jwkThumbprint, signDelegation } from "@ants/protocol";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { principalKey } from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { kidOf, revoke } from "../revocation/revocation-helpers.ts";
import { assertionFor, postForm, signJwt, tokenProof } from "./oauth-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const RESOURCE = "https://api.example.com";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
let relay: TestRelay;
let target: RelayTarget;
let tokenUrl: string;
let kevin: TestAgent;
const dpopKey = createSigner(generateKeyPair().seed);

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now });
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  tokenUrl = `${relay.url}/oauth/token`;
});
afterAll(async () => {
  await relay.close();
});
beforeEach(async () => {
  clock.now += 1000;
  kevin = new TestAgent(target, clock);
  expect((await kevin.register()).status).toBe(201);
});

function clientCredentials(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    grant_type: "client_credentials",
    client_id: kevin.did,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertionFor(kevin, clock, relay.url),
    resource: RESOURCE,
    scope: "/social/post",
    ...overrides,
  };
}

function requestToken(params: Record<string, string>, headers?: Record<string, string>) {
  return postForm(tokenUrl, params, headers ?? { dpop: tokenProof(dpopKey, clock, tokenUrl) });
}

async function verifyIssued(token: string) {
  const jwks = await send(target, "GET", "/.well-known/jwks.json");
  return jwtVerify(token, createLocalJWKSet(jwks.body), {
    issuer: relay.url,
    audience: RESOURCE,
    typ: "at+jwt",
    algorithms: ["EdDSA"],
    currentDate: new Date(clock.now * 1000),
  });
}

describe("authorization server metadata", () => {
  it("is served at the RFC 8414 path and mirrored at the OpenID path", async () => {
    const metadata = await send(target, "GET", "/.well-known/oauth-authorization-server");
    const mirror = await send(target, "GET", "/.well-known/openid-configuration");
    expect(metadata.status).toBe(200);
    expect(mirror.body).toEqual(metadata.body);
    expect(metadata.body).toMatchObject({
      issuer: relay.url,
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
      token_endpoint_auth_signing_alg_values_supported: ["EdDSA", "Ed25519"],
      dpop_signing_alg_values_supported: ["EdDSA", "Ed25519"],
      client_id_metadata_document_supported: true,
    });
    expect(metadata.body.grant_types_supported).toEqual([
      "client_credentials",
      "urn:ietf:params:oauth:grant-type:jwt-bearer",
      "urn:ietf:params:oauth:grant-type:token-exchange",
    ]);
  });
});

describe("each grant issues a DPoP-bound at+jwt for the resource", () => {
  it("client_credentials with private_key_jwt", async () => {
    const answer = await requestToken(clientCredentials());
    expect(answer.status).toBe(200);
    expect(answer.headers.get("cache-control")).toBe("no-store");
    expect(answer.body).toMatchObject({
      token_type: "DPoP",
      expires_in: 300,
      scope: "/social/post",
    });
    const { payload, protectedHeader } = await verifyIssued(answer.body.access_token);
    expect(protectedHeader.typ).toBe("at+jwt");
    expect(payload).toMatchObject({
      sub: kevin.did,
      client_id: kevin.did,
      act: { sub: kevin.did },
      cmd: "/social/post",
      cnf: { jkt: jwkThumbprint(dpopKey.publicKey) },
    });
    const entry = await send(target, "GET", `/v1/log/entries/${payload.audit_index}`);
    expect(entry.body).toMatchObject({ decision: "allow", actor: kevin.did, cmd: "/social/post" });
  });

  it("jwt-bearer (RFC 7523)", async () => {
    const answer = await requestToken({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      assertion: assertionFor(kevin, clock, relay.url),
      resource: RESOURCE,
      scope: "/social",
    });
    expect(answer.status).toBe(200);
    const { payload } = await verifyIssued(answer.body.access_token);
    expect(payload).toMatchObject({ sub: kevin.did, cmd: "/social" });
  });

  it("token exchange of a delegation chain names the principal and the actor", async () => {
    const principal = principalKey();
    const root = signDelegation(
      { aud: kevin.did, cmd: "/social", exp: clock.now + 120 },
      { signer: principal.signer, now: clock.now },
    );
    const answer = await requestToken({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: root,
      subject_token_type: "urn:ants:params:oauth:token-type:delegation",
      client_id: kevin.did,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: assertionFor(kevin, clock, relay.url),
      resource: RESOURCE,
      scope: "/social/post",
    });
    expect(answer.status).toBe(200);
    expect(answer.body.issued_token_type).toBe("urn:ietf:params:oauth:token-type:access_token");
    expect(answer.body.expires_in).toBe(120);
    const { payload } = await verifyIssued(answer.body.access_token);
    expect(payload).toMatchObject({
      sub: principal.did,
      client_id: kevin.did,
      act: { sub: kevin.did },
    });
  });
});

describe("refusals carry the OAuth error and the relay's code", () => {
  const cases: [string, () => Record<string, string>, string, string, number][] = [
    [
      "an assertion for another audience",
      () =>
        clientCredentials({
          client_assertion: assertionFor(kevin, clock, "https://other.example"),
        }),
      "invalid_client",
      "ERR_ASSERTION_AUDIENCE_MISMATCH",
      401,
    ],
    [
      "an expired assertion",
      () =>
        clientCredentials({
          client_assertion: assertionFor(kevin, clock, relay.url, {
            iat: clock.now - 120,
            exp: clock.now - 60,
          }),
        }),
      "invalid_client",
      "ERR_ASSERTION_EXPIRED",
      401,
    ],
    [
      "alg: none",
      () => {
        const signed = assertionFor(kevin, clock, relay.url).split(".");
        const header = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
        return clientCredentials({ client_assertion: `${header}.${signed[1]}.` });
      },
      "invalid_client",
      "ERR_ASSERTION_ALG_UNSUPPORTED",
      401,
    ],
    [
      "HS256",
      () =>
        clientCredentials({
          client_assertion: signJwt(
            { alg: "HS256", typ: "JWT" },
            { iss: kevin.did, sub: kevin.did, aud: relay.url },
            kevin.signer,
          ),
        }),
      "invalid_client",
      "ERR_ASSERTION_ALG_UNSUPPORTED",
      401,
    ],
    [
      "an unknown client",
      () => {
        const stranger = new TestAgent(target, clock);
        return clientCredentials({
          client_id: stranger.did,
          client_assertion: assertionFor(stranger, clock, relay.url),
        });
      },
      "invalid_client",
      "ERR_CLIENT_UNKNOWN",
      401,
    ],
    [
      "an assertion signed by another key",
      () => {
        const thief = new TestAgent(target, clock);
        return clientCredentials({
          client_assertion: assertionFor(
            { did: kevin.did, signer: thief.signer },
            clock,
            relay.url,
          ),
        });
      },
      "invalid_client",
      "ERR_ASSERTION_INVALID",
      401,
    ],
    [
      "a missing resource",
      () => {
        const { resource: _, ...rest } = clientCredentials();
        return rest;
      },
      "invalid_target",
      "ERR_OAUTH_RESOURCE_MISSING",
      400,
    ],
    [
      "the relay itself as the resource",
      () => clientCredentials({ resource: relay.url }),
      "invalid_target",
      "ERR_RESOURCE_IS_RELAY",
      400,
    ],
    [
      "a scope that is not a command",
      () => clientCredentials({ scope: "read write" }),
      "invalid_scope",
      "ERR_OAUTH_SCOPE_INVALID",
      400,
    ],
    [
      "an unknown grant type",
      () => clientCredentials({ grant_type: "password" }),
      "unsupported_grant_type",
      "ERR_OAUTH_GRANT_TYPE_UNSUPPORTED",
      400,
    ],
    [
      "a jwt-bearer assertion for another audience",
      () => ({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion: assertionFor(kevin, clock, "https://other.example"),
        resource: RESOURCE,
        scope: "/social",
      }),
      "invalid_grant",
      "ERR_ASSERTION_AUDIENCE_MISMATCH",
      400,
    ],
  ];

  for (const [name, params, error, code, status] of cases) {
    it(`refuses ${name}`, async () => {
      const answer = await requestToken(params());
      expect(answer.body).toMatchObject({ error, code });
      expect(answer.status).toBe(status);
    });
  }

  it("refuses a replayed assertion jti", async () => {
    const params = clientCredentials();
    expect((await requestToken(params)).status).toBe(200);
    const again = await requestToken(params);
    expect(again.body).toMatchObject({ error: "invalid_client", code: "ERR_ASSERTION_REPLAYED" });
    expect(again.status).toBe(401);
  });

  it("refuses a request without its DPoP proof", async () => {
    const answer = await requestToken(clientCredentials(), {});
    expect(answer.body).toMatchObject({ error: "invalid_dpop_proof", code: "ERR_DPOP_MISSING" });
  });

  it("refuses a DPoP proof for another URL", async () => {
    const dpop = tokenProof(dpopKey, clock, `${relay.url}/v1/authorize`);
    const answer = await requestToken(clientCredentials(), { dpop });
    expect(answer.body).toMatchObject({
      error: "invalid_dpop_proof",
      code: "ERR_DPOP_URL_MISMATCH",
    });
    expect(answer.status).toBe(400);
  });

  it("refuses a replayed DPoP proof", async () => {
    const dpop = tokenProof(dpopKey, clock, tokenUrl);
    expect((await requestToken(clientCredentials(), { dpop })).status).toBe(200);
    const again = await requestToken(clientCredentials(), { dpop });
    expect(again.body).toMatchObject({ error: "invalid_dpop_proof", code: "ERR_DPOP_REPLAYED" });
  });

  it("refuses a parameter sent twice and a JSON body as invalid_request", async () => {
    const twice = await fetch(tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&grant_type=client_credentials",
    });
    expect(await twice.json()).toMatchObject({
      error: "invalid_request",
      code: "ERR_OAUTH_REQUEST_INVALID",
    });
    const json = await send(target, "POST", "/oauth/token", { grant_type: "client_credentials" });
    expect(json.body).toMatchObject({
      error: "invalid_request",
      code: "ERR_CONTENT_TYPE_UNSUPPORTED",
    });
  });

  it("refuses and audits a client whose key was revoked", async () => {
    expect((await revoke(target, clock, kevin, { kind: "key", target: kidOf(kevin) })).status).toBe(
      201,
    );
    const answer = await requestToken(clientCredentials());
    expect(answer.body).toMatchObject({ error: "invalid_grant", code: "ERR_REVOKED_KEY" });
    const entry = await send(target, "GET", `/v1/log/entries/${answer.body.audit_index}`);
    expect(entry.body).toMatchObject({
      type: "decision",
      actor: kevin.did,
      decision: "deny",
      reason: "ERR_REVOKED_KEY",
    });
  });

  it("refuses a chain not delegated to the client", async () => {
    const principal = principalKey();
    const other = new TestAgent(target, clock);
    const root = signDelegation(
      { aud: other.did, cmd: "/social", exp: clock.now + 120 },
      { signer: principal.signer, now: clock.now },
    );
    const answer = await requestToken({
      ...clientCredentials(),
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      subject_token: root,
      subject_token_type: "urn:ants:params:oauth:token-type:delegation",
    });
    expect(answer.body).toMatchObject({
      error: "invalid_request",
      code: "ERR_OAUTH_REQUEST_INVALID",
    });
  });
});
