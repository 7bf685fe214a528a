import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, didFromPublicKey, generateKeyPair, signRegistration } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import Fastify, { type FastifyInstance } from "fastify";
import { createLocalJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastifyOAuth } from "../../src/oauth/framework-adapters.ts";
import { createOAuthFetch } from "../../src/oauth/oauth-fetch.ts";
import { OAuthResourceGuard } from "../../src/oauth/oauth-resource-guard.ts";

const clock = { now: 1_767_225_600 };
const dataDir = mkdtempSync(join(tmpdir(), "ants-oauth-fetch-"));
const signer = createSigner(generateKeyPair().seed);
const agent = { did: didFromPublicKey(signer.publicKey), signer };
let relay: RunningRelay;
let api: FastifyInstance;
let resource: string;
let tokenRequests = 0;

const countingFetch: typeof fetch = (input, init) => {
  if (String(input).endsWith("/oauth/token")) tokenRequests += 1;
  return fetch(input, init);
};

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
    { signer, now: clock.now },
  );
  await fetch(`${relay.url}/v1/agents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registration }),
  });
  api = Fastify();
  // The guard needs the listening URL, so the route reads it once the server is up.
  let guard: OAuthResourceGuard | undefined;
  api.get(
    "/posts",
    {
      preHandler: (request, reply) =>
        fastifyOAuth(guard!, { scope: "/social/read" })(request, reply),
    },
    async () => ({ ok: true }),
  );
  await api.listen({ port: 0, host: "127.0.0.1" });
  const address = api.server.address() as { port: number };
  resource = `http://127.0.0.1:${address.port}`;
  const jwks = await (await fetch(`${relay.url}/.well-known/jwks.json`)).json();
  guard = new OAuthResourceGuard({
    issuer: relay.url,
    resource,
    jwks: createLocalJWKSet(jwks),
    now: () => clock.now,
  });
});
afterAll(async () => {
  await api.close();
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("createOAuthFetch", () => {
  it("adds token and proof, coalesces concurrent token requests, renews once on invalid_token", async () => {
    const call = createOAuthFetch({
      issuer: relay.url,
      agent,
      resource,
      scope: "/social",
      now: () => clock.now,
      fetch: countingFetch,
    });
    const first = await Promise.all([1, 2, 3].map(() => call(`${resource}/posts`)));
    expect(first.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(tokenRequests).toBe(1);

    // The token expires at the resource server: the next calls renew it once between them.
    clock.now += 301;
    const renewed = await Promise.all([1, 2].map(() => call(`${resource}/posts`)));
    expect(renewed.map((response) => response.status)).toEqual([200, 200]);
    expect(tokenRequests).toBe(2);
  });

  it("reports a refused token request with the relay's OAuth error", async () => {
    const stranger = createSigner(generateKeyPair().seed);
    const call = createOAuthFetch({
      issuer: relay.url,
      agent: { did: didFromPublicKey(stranger.publicKey), signer: stranger },
      resource,
      scope: "/social",
      now: () => clock.now,
    });
    await expect(call(`${resource}/posts`)).rejects.toMatchObject({
      code: "ERR_RELAY_RESPONSE_INVALID",
      details: { error: "invalid_client", code: "ERR_CLIENT_UNKNOWN" },
    });
  });
});
