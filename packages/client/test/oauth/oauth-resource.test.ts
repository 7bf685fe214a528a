import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  encodeBase64url,
  generateKeyPair,
  publicKeyToJwk,
  signDpopProof,
  signRegistration,
} from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import Fastify from "fastify";
import { createLocalJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastifyOAuth } from "../../src/oauth/framework-adapters.ts";
import { OAuthResourceGuard } from "../../src/oauth/oauth-resource-guard.ts";

const RESOURCE = "https://api.example.com";
const clock = { now: 1_767_225_600 };
const dataDir = mkdtempSync(join(tmpdir(), "ants-oauth-rs-"));
const agentKey = createSigner(generateKeyPair().seed);
const agentDid = didFromPublicKey(agentKey.publicKey);
const dpopKey = createSigner(generateKeyPair().seed);
let relay: RunningRelay;
let guard: OAuthResourceGuard;

const encode = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));
function signJwt(header: object, claims: object, signer: Ed25519Signer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${encodeBase64url(signer.sign(Buffer.from(input, "ascii")))}`;
}
const jti = () => randomBytes(12).toString("base64url");

/** Gets a token from the relay's token endpoint with client_credentials and private_key_jwt. */
async function token(resource: string, scope: string): Promise<string> {
  const tokenUrl = `${relay.url}/oauth/token`;
  const { kty, crv, x } = publicKeyToJwk(dpopKey.publicKey);
  const proof = signJwt(
    { typ: "dpop+jwt", alg: "EdDSA", jwk: { kty, crv, x } },
    { jti: jti(), htm: "POST", htu: tokenUrl, iat: clock.now },
    dpopKey,
  );
  const assertion = signJwt(
    { alg: "EdDSA", typ: "JWT" },
    {
      iss: agentDid,
      sub: agentDid,
      aud: relay.url,
      iat: clock.now,
      exp: clock.now + 60,
      jti: jti(),
    },
    agentKey,
  );
  const response = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", dpop: proof },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: agentDid,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      resource,
      scope,
    }).toString(),
  });
  const body = (await response.json()) as { access_token: string };
  expect(response.status).toBe(200);
  return body.access_token;
}

function call(path: string, accessToken: string | undefined, proofUrl = RESOURCE + path) {
  const headers: Record<string, string> = {};
  if (accessToken !== undefined) {
    headers.authorization = `DPoP ${accessToken}`;
    headers.dpop = signDpopProof(
      { htm: "POST", htu: proofUrl, accessToken },
      { signer: dpopKey, now: clock.now },
    );
  }
  return new Request(RESOURCE + path, { method: "POST", headers });
}

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    now: () => clock.now,
  });
  const registration = signRegistration(
    { aud: relay.app.relay.identity.did, instances: 1 },
    { signer: agentKey, now: clock.now },
  );
  const registered = await fetch(`${relay.url}/v1/agents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registration }),
  });
  expect(registered.status).toBe(201);
  const jwks = await (await fetch(`${relay.url}/.well-known/jwks.json`)).json();
  guard = new OAuthResourceGuard({
    issuer: relay.url,
    resource: RESOURCE,
    jwks: createLocalJWKSet(jwks),
    now: () => clock.now,
  });
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("OAuthResourceGuard over Web Request", () => {
  it("serves RFC 9728 metadata naming the relay", async () => {
    const outcome = await guard.handle(
      new Request(`${RESOURCE}/.well-known/oauth-protected-resource`),
      { scope: "/social" },
    );
    expect("response" in outcome && (await outcome.response.json())).toMatchObject({
      resource: RESOURCE,
      authorization_servers: [relay.url],
      dpop_bound_access_tokens_required: true,
    });
  });

  it("accepts a token with its proof and attaches an AuthInfo-shaped caller", async () => {
    const accessToken = await token(RESOURCE, "/social");
    const info = await guard.authenticate(call("/posts", accessToken), { scope: "/social/post" });
    expect(info).toMatchObject({
      clientId: agentDid,
      scopes: ["/social"],
      extra: { principal: agentDid, actors: [agentDid], command: "/social" },
    });
    expect(info.resource.href).toBe(`${RESOURCE}/`);
  });

  it("answers a request without a token with a bare challenge", async () => {
    const outcome = await guard.handle(call("/posts", undefined), { scope: "/social" });
    if (!("response" in outcome)) throw new Error("expected a refusal");
    expect(outcome.response.status).toBe(401);
    expect(outcome.response.headers.get("www-authenticate")).toBe(
      `DPoP algs="EdDSA", resource_metadata="${RESOURCE}/.well-known/oauth-protected-resource"`,
    );
  });

  it("refuses a token presented without its DPoP proof", async () => {
    const accessToken = await token(RESOURCE, "/social");
    const request = new Request(`${RESOURCE}/posts`, {
      method: "POST",
      headers: { authorization: `DPoP ${accessToken}` },
    });
    const outcome = await guard.handle(request, { scope: "/social" });
    if (!("response" in outcome)) throw new Error("expected a refusal");
    expect(outcome.response.status).toBe(401);
    expect(await outcome.response.json()).toMatchObject({
      error: "invalid_dpop_proof",
      code: "ERR_DPOP_MISSING",
    });
  });

  it("refuses a DPoP proof for another URL", async () => {
    const accessToken = await token(RESOURCE, "/social");
    const request = call("/posts", accessToken, `${RESOURCE}/admin`);
    await expect(guard.authenticate(request, { scope: "/social" })).rejects.toMatchObject({
      code: "ERR_DPOP_URL_MISMATCH",
    });
  });

  it("refuses a replayed DPoP proof", async () => {
    const accessToken = await token(RESOURCE, "/social");
    const request = call("/posts", accessToken);
    await guard.authenticate(request.clone(), { scope: "/social" });
    await expect(guard.authenticate(request, { scope: "/social" })).rejects.toMatchObject({
      code: "ERR_DPOP_REPLAYED",
    });
  });

  it("refuses a token used at another resource", async () => {
    const accessToken = await token("https://other.example.com", "/social");
    const outcome = await guard.handle(call("/posts", accessToken), { scope: "/social" });
    if (!("response" in outcome)) throw new Error("expected a refusal");
    expect(outcome.response.status).toBe(401);
    expect(outcome.response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await outcome.response.json()).toMatchObject({ code: "ERR_ACCESS_TOKEN_AUDIENCE" });
  });

  it("answers insufficient_scope (403) for a command the token does not cover", async () => {
    const accessToken = await token(RESOURCE, "/social/read");
    const outcome = await guard.handle(call("/posts", accessToken), { scope: "/social/post" });
    if (!("response" in outcome)) throw new Error("expected a refusal");
    expect(outcome.response.status).toBe(403);
    expect(outcome.response.headers.get("www-authenticate")).toContain(
      'error="insufficient_scope", scope="/social/post"',
    );
  });

  it("refuses an expired token", async () => {
    const accessToken = await token(RESOURCE, "/social");
    clock.now += 301;
    await expect(
      guard.authenticate(call("/posts", accessToken), { scope: "/social" }),
    ).rejects.toMatchObject({ code: "ERR_ACCESS_TOKEN_EXPIRED" });
  });
});

describe("the Fastify adapter", () => {
  it("sets request.auth for a good call and answers the challenge otherwise", async () => {
    const app = Fastify();
    app.post(
      "/posts",
      { preHandler: fastifyOAuth(guard, { scope: "/social/post" }) },
      async (request) => ({
        principal: (request as { auth?: { extra: { principal: string } } }).auth?.extra.principal,
      }),
    );
    const accessToken = await token(RESOURCE, "/social");
    const good = call("/posts", accessToken);
    const ok = await app.inject({
      method: "POST",
      url: "/posts",
      headers: {
        authorization: good.headers.get("authorization")!,
        dpop: good.headers.get("dpop")!,
      },
    });
    expect(ok.json()).toEqual({ principal: agentDid });
    const refused = await app.inject({ method: "POST", url: "/posts" });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers["www-authenticate"]).toContain("resource_metadata=");
    await app.close();
  });
});
