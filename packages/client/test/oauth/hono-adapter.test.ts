import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, didFromPublicKey, generateKeyPair, signRegistration } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { createLocalJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AntsHonoEnv, honoOAuth } from "../../src/oauth/hono-adapter.ts";
import { createOAuthFetch } from "../../src/oauth/oauth-fetch.ts";
import {
  OAuthResourceGuard,
  PROTECTED_RESOURCE_METADATA_PATH,
} from "../../src/oauth/oauth-resource-guard.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-oauth-hono-"));
const signer = createSigner(generateKeyPair().seed);
const agent = { did: didFromPublicKey(signer.publicKey), signer };
let relay: RunningRelay;
let server: ServerType;
let resource: string;

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
  });
  const registration = signRegistration(
    { aud: relay.app.relay.identity.did, instances: 1 },
    { signer, now: Math.floor(Date.now() / 1000) },
  );
  const registered = await fetch(`${relay.url}/v1/agents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registration }),
  });
  expect(registered.status).toBe(201);
  const jwks = createLocalJWKSet(await (await fetch(`${relay.url}/.well-known/jwks.json`)).json());
  // The guard needs the listening URL, so the routes read it once the server is up.
  let guard: OAuthResourceGuard | undefined;
  const app = new Hono<AntsHonoEnv>();
  app.get(PROTECTED_RESOURCE_METADATA_PATH, (c) => c.json(guard!.metadata()));
  app.get(
    "/posts",
    (c, next) => honoOAuth(guard!, { scope: "/social/read" })(c, next),
    (c) => c.json(c.get("auth")),
  );
  app.post(
    "/posts",
    (c, next) => honoOAuth(guard!, { scope: "/social/post" })(c, next),
    (c) => c.json({ posted: true }),
  );
  server = await new Promise<ServerType>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(listening),
    );
  });
  resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  guard = new OAuthResourceGuard({ issuer: relay.url, resource, jwks });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("honoOAuth over real HTTP", () => {
  it("serves the metadata and lets a token with its proof through, with the caller attached", async () => {
    const metadata = await fetch(resource + PROTECTED_RESOURCE_METADATA_PATH);
    expect(await metadata.json()).toMatchObject({ resource, authorization_servers: [relay.url] });

    const call = createOAuthFetch({ issuer: relay.url, agent, resource, scope: "/social/read" });
    const response = await call(`${resource}/posts`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      clientId: agent.did,
      scopes: ["/social/read"],
      extra: { principal: agent.did, actors: [agent.did], command: "/social/read" },
    });
  });

  it("answers a request without a token with a bare challenge", async () => {
    const response = await fetch(`${resource}/posts`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `DPoP algs="EdDSA", resource_metadata="${resource}${PROTECTED_RESOURCE_METADATA_PATH}"`,
    );
  });

  it("refuses a token sent without its DPoP proof", async () => {
    let token = "";
    const capture: typeof fetch = async (input, init) => {
      token = new Headers(init?.headers).get("authorization")?.slice("DPoP ".length) ?? token;
      return fetch(input, init);
    };
    const call = createOAuthFetch({
      issuer: relay.url,
      agent,
      resource,
      scope: "/social/read",
      fetch: capture,
    });
    expect((await call(`${resource}/posts`)).status).toBe(200);

    const response = await fetch(`${resource}/posts`, {
      headers: { authorization: `DPoP ${token}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain('error="invalid_dpop_proof"');
    expect(await response.json()).toMatchObject({
      error: "invalid_dpop_proof",
      code: "ERR_DPOP_MISSING",
    });
  });

  it("answers 403 insufficient_scope to a token for a narrower command", async () => {
    const call = createOAuthFetch({ issuer: relay.url, agent, resource, scope: "/social/read" });
    const response = await call(`${resource}/posts`, { method: "POST" });
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toContain(
      'error="insufficient_scope", scope="/social/post"',
    );
    expect(await response.json()).toMatchObject({
      error: "insufficient_scope",
      code: "ERR_ACCESS_TOKEN_CMD_MISMATCH",
    });
  });
});
