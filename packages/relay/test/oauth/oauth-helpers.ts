import { randomBytes } from "node:crypto";
import { type Ed25519Signer, encodeBase64url, publicKeyToJwk } from "@ants/protocol";
import type { Answer, TestClock } from "../helpers/test-agent.ts";

const encode = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));

/** Signs a compact JWS with an Ed25519 key over any header, so tests can forge bad headers. */
export function signJwt(header: object, claims: object, signer: Ed25519Signer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${encodeBase64url(signer.sign(Buffer.from(input, "ascii")))}`;
}

/** A private_key_jwt assertion (RFC 7523) from an agent to the relay, with overrides. */
export function assertionFor(
  agent: { did: string; signer: Ed25519Signer },
  clock: TestClock,
  issuer: string,
  overrides: Record<string, unknown> = {},
): string {
  const claims = {
    iss: agent.did,
    sub: agent.did,
    aud: issuer,
    iat: clock.now,
    exp: clock.now + 60,
    jti: randomBytes(16).toString("base64url"),
    ...overrides,
  };
  return signJwt({ alg: "EdDSA", typ: "JWT" }, claims, agent.signer);
}

/** A DPoP proof for the token endpoint (RFC 9449 section 4.2, no `ath`). */
export function tokenProof(signer: Ed25519Signer, clock: TestClock, htu: string): string {
  const { kty, crv, x } = publicKeyToJwk(signer.publicKey);
  const claims = { jti: randomBytes(12).toString("base64url"), htm: "POST", htu, iat: clock.now };
  return signJwt({ typ: "dpop+jwt", alg: "EdDSA", jwk: { kty, crv, x } }, claims, signer);
}

/** Posts a form (application/x-www-form-urlencoded) and parses the JSON answer. */
export async function postForm(
  url: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer & { headers: Headers }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text.length > 0 ? JSON.parse(text) : null,
    headers: response.headers,
  };
}
