import { createLocalJWKSet } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

let relay: TestRelay;

beforeAll(async () => {
  relay = await startTestRelay();
});
afterAll(async () => {
  await relay.close();
});

describe("discovery", () => {
  it("publishes the relay's DID, key, origin, endpoints and log origin", async () => {
    const response = await fetch(`${relay.url}/.well-known/ants-relay`);
    const body = await response.json();
    expect(response.status).toBe(200);
    expect(body.did).toBe(relay.app.relay.identity.did);
    expect(body.origin).toBe(relay.url);
    expect(body.keys).toEqual([{ ...relay.app.relay.identity.jwk, alg: "EdDSA", use: "sig" }]);
    expect(body.endpoints.authorize).toBe(`${relay.url}/v1/authorize`);
    expect(body.logOrigin).toBe(`${relay.url.replace("http://", "")}/v1/log`);
  });

  it("serves a JWKS that a standard JWT library accepts", async () => {
    const response = await fetch(`${relay.url}/.well-known/jwks.json`);
    const jwks = await response.json();
    expect(response.headers.get("cache-control")).toContain("max-age");
    expect(jwks.keys).toHaveLength(1);
    expect(() => createLocalJWKSet(jwks)).not.toThrow();
  });

  it("uses --public-url as the origin when given", async () => {
    const behindProxy = await startTestRelay({ publicUrl: "https://relay.example.com/ants/" });
    const body = await (await fetch(`${behindProxy.url}/.well-known/ants-relay`)).json();
    await behindProxy.close();
    expect(body.origin).toBe("https://relay.example.com/ants");
    expect(body.endpoints.jwks).toBe("https://relay.example.com/ants/.well-known/jwks.json");
  });

  it("refuses a public URL that is not http(s) with ERR_CONFIG_INVALID", async () => {
    await expect(startTestRelay({ publicUrl: "ftp://relay.example.com" })).rejects.toMatchObject({
      code: "ERR_CONFIG_INVALID",
    });
  });
});
