import { randomBytes } from "node:crypto";
import { type Ed25519Signer, encodeBase64url, publicKeyToJwk } from "@ants/protocol";

const encode = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));

function signCompact(header: object, claims: object, signer: Ed25519Signer): string {
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${encodeBase64url(signer.sign(Buffer.from(input, "ascii")))}`;
}

/** Lifetime of the assertions this client signs: well under the relay's 300 s cap. */
export const CLIENT_ASSERTION_SECONDS = 60;

/**
 * Signs a private_key_jwt client assertion (RFC 7523 section 3) with the agent's identity key:
 * `iss` and `sub` the agent, `aud` the relay's issuer, 60 s, a fresh 128-bit `jti`.
 *
 * @example
 * const assertion = signClientAssertion(agent, { issuer: relayUrl, now });
 */
export function signClientAssertion(
  agent: { did: string; signer: Ed25519Signer },
  options: { issuer: string; now: number },
): string {
  const claims = {
    iss: agent.did,
    sub: agent.did,
    aud: options.issuer,
    iat: options.now,
    exp: options.now + CLIENT_ASSERTION_SECONDS,
    jti: randomBytes(16).toString("base64url"),
  };
  return signCompact({ alg: "EdDSA", typ: "JWT" }, claims, agent.signer);
}

/**
 * Signs the DPoP proof of a token request (RFC 9449 section 4.2, no `ath`: there is no token
 * yet) with the key the token will be bound to.
 *
 * @example
 * const proof = signTokenRequestProof(dpopKey, { htu: `${relayUrl}/oauth/token`, now });
 */
export function signTokenRequestProof(
  dpopKey: Ed25519Signer,
  options: { htu: string; now: number },
): string {
  const { kty, crv, x } = publicKeyToJwk(dpopKey.publicKey);
  const claims = {
    jti: randomBytes(16).toString("base64url"),
    htm: "POST",
    htu: options.htu,
    iat: options.now,
  };
  return signCompact({ typ: "dpop+jwt", alg: "EdDSA", jwk: { kty, crv, x } }, claims, dpopKey);
}
