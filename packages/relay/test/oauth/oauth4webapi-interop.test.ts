import { webcrypto } from "node:crypto";
import {
  createSigner,
  didFromPublicKey,
  generateKeyPair,
  signDelegation,
  signRegistration,
} from "@ants/protocol";
import { createLocalJWKSet, jwtVerify } from "jose";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { principalKey } from "../helpers/scenario.ts";
import { type RelayTarget, send, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { assertionFor } from "./oauth-helpers.ts";

// An independent client (oauth4webapi) completes every grant against a real relay over HTTP.
// The relay runs on the system clock, since the client stamps its own assertions and proofs.
const RESOURCE = "https://api.example.com";
/** RFC 8410 PKCS #8 prefix of an Ed25519 private key, before its 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const insecure = { [oauth.allowInsecureRequests]: true } as const;
let relay: TestRelay;
let target: RelayTarget;
let as: oauth.AuthorizationServer;
let agent: { did: string; signer: ReturnType<typeof createSigner>; privateKey: CryptoKey };
let dpopKeys: CryptoKeyPair;

/** The agent's identity key twice: our signer, and the same seed as a WebCrypto key. */
async function newAgent() {
  const { seed } = generateKeyPair();
  const signer = createSigner(seed);
  const privateKey = await webcrypto.subtle.importKey(
    "pkcs8",
    Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    { name: "Ed25519" },
    false,
    ["sign"],
  );
  const did = didFromPublicKey(signer.publicKey);
  const registration = signRegistration(
    { aud: target.did, instances: 1 },
    { signer, now: Math.floor(Date.now() / 1000) },
  );
  expect((await send(target, "POST", "/v1/agents", { registration })).status).toBe(201);
  return { did, signer, privateKey: privateKey as CryptoKey };
}

async function verifyIssued(token: string) {
  const jwks = await send(target, "GET", "/.well-known/jwks.json");
  return jwtVerify(token, createLocalJWKSet(jwks.body), {
    issuer: relay.url,
    audience: RESOURCE,
    typ: "at+jwt",
    algorithms: ["EdDSA"],
  });
}

beforeAll(async () => {
  relay = await startTestRelay();
  target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  const issuer = new URL(relay.url);
  const discovery = await oauth.discoveryRequest(issuer, { algorithm: "oauth2", ...insecure });
  as = await oauth.processDiscoveryResponse(issuer, discovery);
  agent = await newAgent();
  dpopKeys = (await webcrypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
});
afterAll(async () => {
  await relay.close();
});

describe("oauth4webapi against the relay", () => {
  it("discovers the authorization server metadata (RFC 8414)", () => {
    expect(as.issuer).toBe(relay.url);
    expect(as.token_endpoint).toBe(`${relay.url}/oauth/token`);
    expect(as.token_endpoint_auth_methods_supported).toEqual(["private_key_jwt"]);
    expect(as.client_id_metadata_document_supported).toBe(true);
  });

  it("completes client_credentials with private_key_jwt (Ed25519) and DPoP", async () => {
    const client: oauth.Client = { client_id: agent.did };
    const DPoP = oauth.DPoP(client, dpopKeys);
    const request = () =>
      oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt(agent.privateKey),
        new URLSearchParams({ resource: RESOURCE, scope: "/social/post" }),
        { DPoP, ...insecure },
      );
    const answer = await oauth.processClientCredentialsResponse(as, client, await request());
    expect(answer.token_type).toBe("dpop");
    expect(answer.scope).toBe("/social/post");
    const { payload } = await verifyIssued(answer.access_token);
    expect(payload).toMatchObject({ sub: agent.did, client_id: agent.did });
    expect(payload.cnf).toEqual({ jkt: await DPoP.calculateThumbprint() });

    // The second request's proof carries the DPoP-Nonce the first answer handed out.
    const again = await oauth.processClientCredentialsResponse(as, client, await request());
    expect(again.access_token).not.toBe(answer.access_token);
  });

  it("completes the jwt-bearer grant (RFC 7523) with DPoP", async () => {
    const client: oauth.Client = { client_id: agent.did };
    const clock: TestClock = { now: Math.floor(Date.now() / 1000) };
    const response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      oauth.None(),
      "urn:ietf:params:oauth:grant-type:jwt-bearer",
      new URLSearchParams({
        assertion: assertionFor(agent, clock, relay.url),
        resource: RESOURCE,
        scope: "/social",
      }),
      { DPoP: oauth.DPoP(client, dpopKeys), ...insecure },
    );
    const answer = await oauth.processGenericTokenEndpointResponse(as, client, response);
    expect(answer.token_type).toBe("dpop");
    const { payload } = await verifyIssued(answer.access_token);
    expect(payload).toMatchObject({ sub: agent.did, cmd: "/social" });
  });

  it("completes a token exchange (RFC 8693) of a delegation chain with DPoP", async () => {
    const principal = principalKey();
    const now = Math.floor(Date.now() / 1000);
    const chain = signDelegation(
      { aud: agent.did, cmd: "/social", exp: now + 120 },
      { signer: principal.signer, now },
    );
    const client: oauth.Client = { client_id: agent.did };
    const response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      oauth.PrivateKeyJwt(agent.privateKey),
      "urn:ietf:params:oauth:grant-type:token-exchange",
      new URLSearchParams({
        subject_token: chain,
        subject_token_type: "urn:ants:params:oauth:token-type:delegation",
        resource: RESOURCE,
        scope: "/social/post",
      }),
      { DPoP: oauth.DPoP(client, dpopKeys), ...insecure },
    );
    const answer = await oauth.processGenericTokenEndpointResponse(as, client, response);
    expect(answer.issued_token_type).toBe("urn:ietf:params:oauth:token-type:access_token");
    const { payload } = await verifyIssued(answer.access_token);
    expect(payload).toMatchObject({
      sub: principal.did,
      client_id: agent.did,
      act: { sub: agent.did },
    });
  });

  it("authenticates with the agent's client ID metadata document URL as client_id", async () => {
    const client: oauth.Client = { client_id: `${relay.url}/agents/${agent.did}/client.json` };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt(agent.privateKey),
      new URLSearchParams({ resource: RESOURCE, scope: "/social/post" }),
      { DPoP: oauth.DPoP(client, dpopKeys), ...insecure },
    );
    const answer = await oauth.processClientCredentialsResponse(as, client, response);
    const { payload } = await verifyIssued(answer.access_token);
    expect(payload).toMatchObject({ sub: agent.did, client_id: agent.did });
  });

  it("introspects (RFC 7662) and revokes (RFC 7009) an issued token", async () => {
    const client: oauth.Client = { client_id: agent.did };
    const auth = () => oauth.PrivateKeyJwt(agent.privateKey);
    const issued = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        auth(),
        new URLSearchParams({ resource: RESOURCE, scope: "/social/post" }),
        { DPoP: oauth.DPoP(client, dpopKeys), ...insecure },
      ),
    );
    const introspect = async () =>
      oauth.processIntrospectionResponse(
        as,
        client,
        await oauth.introspectionRequest(as, client, auth(), issued.access_token, insecure),
      );
    expect(await introspect()).toMatchObject({ active: true, sub: agent.did });
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth(), issued.access_token, insecure),
    );
    expect((await introspect()).active).toBe(false);
  });

  it("surfaces the relay's refusal as an OAuth error: an unknown client is invalid_client", async () => {
    const stranger = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
    const client: oauth.Client = { client_id: stranger };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.PrivateKeyJwt(agent.privateKey),
      new URLSearchParams({ resource: RESOURCE, scope: "/social/post" }),
      { DPoP: oauth.DPoP(client, dpopKeys), ...insecure },
    );
    const refusal = await oauth
      .processClientCredentialsResponse(as, client, response)
      .catch((error: unknown) => error);
    // The relay answers invalid_client with a WWW-Authenticate challenge, which the client
    // reports as such; the body still carries the OAuth error and the relay's code.
    expect(refusal).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    const challenge = refusal as oauth.WWWAuthenticateChallengeError;
    expect(challenge.status).toBe(401);
    expect(challenge.cause[0]).toMatchObject({ parameters: { error: "invalid_client" } });
    expect(await challenge.response.json()).toMatchObject({
      error: "invalid_client",
      code: "ERR_CLIENT_UNKNOWN",
    });
  });
});
