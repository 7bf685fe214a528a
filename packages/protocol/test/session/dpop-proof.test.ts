import { createSigner, encodeBase64url, jwkThumbprint } from "@ants/protocol";
import { describe, expect, it } from "vitest";
import { accessTokenHash, signDpopProof, verifyDpopProof } from "../../src/session/dpop-proof.ts";

const NOW = 1_767_225_600;
const session = createSigner(new Uint8Array(32).fill(7));
const other = createSigner(new Uint8Array(32).fill(8));
const TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln";
const URL = "https://relay.example.com/v1/agents/did:key:z6Mk/sessions";
const expected = {
  method: "GET",
  url: URL,
  accessToken: TOKEN,
  expectedThumbprint: jwkThumbprint(session.publicKey),
  now: NOW,
};

function proof(overrides: Partial<Parameters<typeof signDpopProof>[0]> = {}, signer = session) {
  return signDpopProof(
    { htm: "GET", htu: URL, accessToken: TOKEN, iat: NOW, jti: "j1", ...overrides },
    { signer },
  );
}

/** Re-signs a proof with a hand-made header and payload, for must-fail shapes. */
function forge(header: object, payload: object, signer = session): string {
  const encode = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${encodeBase64url(signer.sign(Buffer.from(input)))}`;
}

const jwk = { kty: "OKP", crv: "Ed25519", x: encodeBase64url(session.publicKey) };
const claims = { jti: "j1", htm: "GET", htu: URL, iat: NOW, ath: accessTokenHash(TOKEN) };

describe("DPoP proofs (RFC 9449)", () => {
  it("accepts a proof for this request, token and key", () => {
    expect(verifyDpopProof(proof(), expected)).toEqual({
      jkt: expected.expectedThumbprint,
      jti: "j1",
      iat: NOW,
    });
  });

  it("signs and returns the server's nonce when one is given (RFC 9449 section 8)", () => {
    const signed = signDpopProof(
      { htm: "GET", htu: URL, accessToken: TOKEN, nonce: "abc.29453760.x-Y_z" },
      { signer: session, now: NOW },
    );
    expect(verifyDpopProof(signed, expected).nonce).toBe("abc.29453760.x-Y_z");
    expect(verifyDpopProof(proof(), expected).nonce).toBeUndefined();
  });

  it('accepts the RFC 9864 name "Ed25519" for the same algorithm', () => {
    const forged = forge({ typ: "dpop+jwt", alg: "Ed25519", jwk }, claims);
    expect(verifyDpopProof(forged, expected).jti).toBe(claims.jti);
    const lower = forge({ typ: "dpop+jwt", alg: "ed25519", jwk }, claims);
    expect(() => verifyDpopProof(lower, expected)).toThrow(
      expect.objectContaining({ code: "ERR_DPOP_INVALID" }),
    );
  });

  it("accepts a proof up to 60 s either side of now", () => {
    expect(() => verifyDpopProof(proof({ iat: NOW - 60 }), expected)).not.toThrow();
    expect(() => verifyDpopProof(proof({ iat: NOW + 60 }), expected)).not.toThrow();
  });

  it.each([
    ["a proof from another key", () => proof({}, other), "ERR_DPOP_KEY_MISMATCH"],
    ["another method", () => proof({ htm: "POST" }), "ERR_DPOP_METHOD_MISMATCH"],
    ["another URI", () => proof({ htu: `${URL}x` }), "ERR_DPOP_URL_MISMATCH"],
    ["a URI with a query", () => proof({ htu: `${URL}?a=1` }), "ERR_DPOP_URL_MISMATCH"],
    ["an iat 61 s old", () => proof({ iat: NOW - 61 }), "ERR_DPOP_CLOCK_SKEW"],
    ["an iat 61 s ahead", () => proof({ iat: NOW + 61 }), "ERR_DPOP_CLOCK_SKEW"],
    ["another token's ath", () => proof({ accessToken: `${TOKEN}x` }), "ERR_DPOP_TOKEN_MISMATCH"],
  ])("refuses %s", (_name, make, code) => {
    expect(() => verifyDpopProof(make(), expected)).toThrow(expect.objectContaining({ code }));
  });

  it.each([
    ["not a string", 42],
    ["two parts", "a.b"],
    ["four parts", "a.b.c.d"],
    ["an oversized proof", "a".repeat(9000)],
    ["padding in a part", `${proof().split(".")[0]}=.x.y`],
    ["typ jwt", forge({ typ: "JWT", alg: "EdDSA", jwk }, claims)],
    ["alg none", forge({ typ: "dpop+jwt", alg: "none", jwk }, claims)],
    ["alg ES256", forge({ typ: "dpop+jwt", alg: "ES256", jwk }, claims)],
    ["no jwk", forge({ typ: "dpop+jwt", alg: "EdDSA" }, claims)],
    ["an extra header member", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk, kid: "x" }, claims)],
    [
      "a private key in jwk",
      forge({ typ: "dpop+jwt", alg: "EdDSA", jwk: { ...jwk, d: "AA" } }, claims),
    ],
    [
      "an RSA jwk",
      forge({ typ: "dpop+jwt", alg: "EdDSA", jwk: { kty: "RSA", n: "x", e: "AQAB" } }, claims),
    ],
    ["a missing ath", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, ath: undefined })],
    ["an extra claim", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, exp: NOW })],
    ["an empty nonce", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, nonce: "" })],
    ["a numeric nonce", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, nonce: 7 })],
    [
      "a nonce with a quote",
      forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, nonce: 'a"b' }),
    ],
    [
      "a string iat",
      forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, iat: String(NOW) }),
    ],
    ["a lower-case htm", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, { ...claims, htm: "get" })],
    ["a jwk that is not the signer", forge({ typ: "dpop+jwt", alg: "EdDSA", jwk }, claims, other)],
    ["a truncated signature", proof().slice(0, -4)],
  ])("refuses %s with ERR_DPOP_INVALID", (_name, value) => {
    expect(() => verifyDpopProof(value, expected)).toThrow(
      expect.objectContaining({ code: "ERR_DPOP_INVALID" }),
    );
  });

  it("refuses duplicate header members", () => {
    const header = Buffer.from(
      `{"typ":"dpop+jwt","alg":"EdDSA","alg":"EdDSA","jwk":${JSON.stringify(jwk)}}`,
    );
    const input = `${encodeBase64url(header)}.${encodeBase64url(Buffer.from(JSON.stringify(claims)))}`;
    const forged = `${input}.${encodeBase64url(session.sign(Buffer.from(input)))}`;
    expect(() => verifyDpopProof(forged, expected)).toThrow(
      expect.objectContaining({ code: "ERR_DPOP_INVALID" }),
    );
  });

  it("computes ath as SHA-256 of the token's ASCII bytes", () => {
    // RFC 9449 section 7.1 example access token and its ath.
    expect(accessTokenHash("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU")).toBe(
      "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo",
    );
  });
});
