import { createHash } from "node:crypto";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { assertValidPublicKey } from "../keys/ed25519.ts";

/** An Ed25519 public key as a JWK (RFC 8037), with `kid` set to its RFC 7638 thumbprint. */
export interface Ed25519PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
}

/**
 * RFC 7638 thumbprint of an Ed25519 key: SHA-256 over the required members in lexicographic
 * order with no whitespace (`{"crv":"Ed25519","kty":"OKP","x":"..."}`), base64url.
 *
 * @example
 * jwkThumbprint(publicKey); // "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
 */
export function jwkThumbprint(publicKey: Uint8Array): string {
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${encodeBase64url(publicKey)}"}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

/**
 * Exports a public key as a JWK with its thumbprint as `kid`.
 *
 * @example
 * publicKeyToJwk(publicKey); // { kty: "OKP", crv: "Ed25519", x: "...", kid: "..." }
 */
export function publicKeyToJwk(publicKey: Uint8Array): Ed25519PublicJwk {
  return {
    kty: "OKP",
    crv: "Ed25519",
    x: encodeBase64url(publicKey),
    kid: jwkThumbprint(publicKey),
  };
}

/**
 * Imports an Ed25519 public JWK, refusing private members, other key types and a `kid` that is
 * not the key's thumbprint. Throws ERR_JWK_INVALID or a key error.
 *
 * @example
 * const publicKey = publicKeyFromJwk(jwk);
 */
export function publicKeyFromJwk(jwk: unknown): Uint8Array {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) {
    throw new ProtocolError("ERR_JWK_INVALID", "jwk: expected an object");
  }
  const { kty, crv, x, d, kid } = jwk as Record<string, unknown>;
  if (kty !== "OKP" || crv !== "Ed25519") {
    throw new ProtocolError("ERR_JWK_INVALID", "jwk: expected kty OKP and crv Ed25519");
  }
  if (d !== undefined) {
    throw new ProtocolError("ERR_JWK_INVALID", "jwk: private member d is not accepted");
  }
  if (typeof x !== "string") throw new ProtocolError("ERR_JWK_INVALID", "jwk.x: expected a string");
  const publicKey = decodeBase64url(x, "jwk.x");
  assertValidPublicKey(publicKey);
  if (kid !== undefined && kid !== jwkThumbprint(publicKey)) {
    throw new ProtocolError("ERR_JWK_INVALID", "jwk.kid: expected the RFC 7638 thumbprint");
  }
  return publicKey;
}
