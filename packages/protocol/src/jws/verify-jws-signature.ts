import { verify as cryptoVerify, type KeyObject } from "node:crypto";
import { ProtocolError } from "../errors/protocol-error.ts";
import { LruCache } from "../internal/lru-cache.ts";
import { jwkThumbprint } from "../jwk/jwk.ts";
import { assertValidPublicKey } from "../keys/ed25519.ts";
import { isPointEncodingCanonical, isScalarCanonical } from "../keys/ed25519-encoding.ts";
import type { ParsedJws } from "./compact-jws.ts";

interface KeyInfo {
  readonly bytes: Buffer;
  readonly keyObject: KeyObject;
  readonly thumbprint: string;
}

// Per-key work (prime-order check, DER import, thumbprint) is done once. Resolvers usually hand
// back the same Uint8Array for a key, so the first lookup is by instance; the stored copy of the
// bytes is compared every time, so a caller that reuses a buffer for another key is still safe.
const byInstance = new WeakMap<Uint8Array, KeyInfo>();
const byValue = new LruCache<string, KeyInfo>(100_000);

function keyInfo(publicKey: Uint8Array): KeyInfo {
  const known = byInstance.get(publicKey);
  if (known?.bytes.equals(publicKey)) return known;
  const bytes = Buffer.from(publicKey);
  const id = bytes.toString("base64");
  let info = byValue.get(id);
  if (info === undefined) {
    const keyObject = assertValidPublicKey(publicKey);
    info = { bytes, keyObject, thumbprint: jwkThumbprint(publicKey) };
    byValue.set(id, info);
  }
  byInstance.set(publicKey, info);
  return info;
}

/**
 * Thumbprint (RFC 7638) of a public key, cached per key.
 *
 * @example
 * cachedThumbprint(publicKey) === jwkThumbprint(publicKey); // true
 */
export function cachedThumbprint(publicKey: Uint8Array): string {
  return keyInfo(publicKey).thumbprint;
}

/**
 * Checks a parsed JWS against the public key its signer resolved to (spec 4.4 step 4, sub-steps
 * 4 and 5): the key passes the strict checks, its thumbprint is the header's `kid`, and the
 * signature verifies strictly (64 bytes, S < L, canonical R; RFC 8032 5.1.7). Throws ERR_KEY_*,
 * ERR_JWS_KID_MISMATCH or ERR_SIGNATURE_INVALID.
 *
 * @example
 * verifyJwsSignature(parseCompactJws(token, { typ, maxBytes }), publicKey);
 */
export function verifyJwsSignature(jws: ParsedJws, publicKey: Uint8Array): void {
  const key = keyInfo(publicKey);
  if (key.thumbprint !== jws.kid) {
    throw new ProtocolError("ERR_JWS_KID_MISMATCH", "header.kid: not the signer's key thumbprint");
  }
  const signature = jws.signature;
  // Same checks as verifySignature, with the key already imported.
  const valid =
    signature.length === 64 &&
    isScalarCanonical(signature.subarray(32)) &&
    isPointEncodingCanonical(signature.subarray(0, 32)) &&
    cryptoVerify(null, jws.signingInput, key.keyObject, signature);
  if (!valid) throw new ProtocolError("ERR_SIGNATURE_INVALID", "signature: invalid");
}
