import { randomBytes } from "node:crypto";
import { createSigner, generateKeyPair, publicKeyToJwk } from "@ants/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RelayTarget, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";
import { postForm, signJwt } from "./oauth-helpers.ts";

const clock: TestClock = { now: 1_767_225_600 };
const dpopKey = createSigner(generateKeyPair().seed);
let relay: TestRelay;
let tokenUrl: string;
let kevin: TestAgent;

beforeAll(async () => {
  relay = await startTestRelay({ now: () => clock.now });
  tokenUrl = `${relay.url}/oauth/token`;
});
afterAll(async () => {
  await relay.close();
});
beforeEach(async () => {
  clock.now += 1000;
  const target: RelayTarget = {
    url: relay.url,
    did: relay.app.relay.identity.did,
    origin: relay.url,
  };
  kevin = new TestAgent(target, clock);
  expect((await kevin.register()).status).toBe(201);
});

/** A token request whose assertion and proof use `alg`, the proof with extra claims. */
function requestWith(alg: string, proofClaims: Record<string, unknown> = {}) {
  const { kty, crv, x } = publicKeyToJwk(dpopKey.publicKey);
  const proof = signJwt(
    { typ: "dpop+jwt", alg, jwk: { kty, crv, x } },
    {
      jti: randomBytes(12).toString("base64url"),
      htm: "POST",
      htu: tokenUrl,
      iat: clock.now,
      ...proofClaims,
    },
    dpopKey,
  );
  const assertion = signJwt(
    { alg, typ: "JWT" },
    {
      iss: kevin.did,
      sub: kevin.did,
      aud: relay.url,
      iat: clock.now,
      exp: clock.now + 60,
      jti: randomBytes(16).toString("base64url"),
    },
    kevin.signer,
  );
  return postForm(
    tokenUrl,
    {
      grant_type: "client_credentials",
      client_id: kevin.did,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      resource: "https://api.example.com",
      scope: "/social/post",
    },
    { dpop: proof },
  );
}

describe("signature algorithm names and the DPoP nonce at the token endpoint", () => {
  it("accepts the fully-specified Ed25519 (RFC 9864) for the assertion and the proof", async () => {
    const answer = await requestWith("Ed25519");
    expect(answer.status).toBe(200);
  });

  it("accepts a proof carrying the nonce a DPoP-Nonce header handed out", async () => {
    const nonce = (await requestWith("EdDSA")).headers.get("dpop-nonce");
    expect(nonce).toBeTypeOf("string");
    expect((await requestWith("EdDSA", { nonce })).status).toBe(200);
  });

  it("refuses a proof whose nonce is not a string, and any other algorithm name", async () => {
    const badNonce = await requestWith("EdDSA", { nonce: 7 });
    expect(badNonce.body).toMatchObject({ error: "invalid_dpop_proof", code: "ERR_DPOP_INVALID" });
    const es256 = await requestWith("ES256");
    expect(es256.body).toMatchObject({ error: "invalid_dpop_proof", code: "ERR_DPOP_INVALID" });
  });
});
