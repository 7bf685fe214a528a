import { ProtocolError } from "../errors/protocol-error.ts";
import { LruCache } from "../internal/lru-cache.ts";
import { jwkThumbprint } from "../jwk/jwk.ts";
import { assertValidPublicKey, verifySignature } from "../keys/ed25519.ts";
import type { ParsedJws } from "./compact-jws.ts";

// The thumbprint is a hash over a JSON rendering of the key; computing it once per key keeps it
// off the per-token path.
const thumbprints = new LruCache<string, string>(100_000);

/**
 * Thumbprint (RFC 7638) of a public key, cached per key.
 *
 * @example
 * cachedThumbprint(publicKey) === jwkThumbprint(publicKey); // true
 */
export function cachedThumbprint(publicKey: Uint8Array): string {
  const id = Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString(
    "base64",
  );
  let thumbprint = thumbprints.get(id);
  if (thumbprint === undefined) {
    thumbprint = jwkThumbprint(publicKey);
    thumbprints.set(id, thumbprint);
  }
  return thumbprint;
}

/**
 * Checks a parsed JWS against the public key its signer resolved to (spec 4.4 step 4, sub-steps
 * 4 and 5): the key passes the strict checks, its thumbprint is the header's `kid`, and the
 * signature verifies. Throws ERR_KEY_* , ERR_JWS_KID_MISMATCH or ERR_SIGNATURE_INVALID.
 *
 * @example
 * verifyJwsSignature(parseCompactJws(token, { typ, maxBytes }), publicKey);
 */
export function verifyJwsSignature(jws: ParsedJws, publicKey: Uint8Array): void {
  assertValidPublicKey(publicKey);
  if (cachedThumbprint(publicKey) !== jws.kid) {
    throw new ProtocolError("ERR_JWS_KID_MISMATCH", "header.kid: not the signer's key thumbprint");
  }
  if (!verifySignature(jws.signature, jws.signingInput, publicKey)) {
    throw new ProtocolError("ERR_SIGNATURE_INVALID", "signature: invalid");
  }
}
