import { jwkThumbprint } from "../jwk/jwk.ts";
import { assertValidPublicKey } from "../keys/ed25519.ts";

/**
 * The next-key digest of docs/spec/key-events.md 1.3: the RFC 7638 thumbprint of the next key,
 * that is base64url(SHA-256(`{"crv":"Ed25519","kty":"OKP","x":"<key>"}`)). It equals the `kid`
 * the next key will sign with, and reveals nothing about the key until it is used. Throws the
 * ERR_KEY_* codes for a key that could never sign.
 *
 * @example
 * const n = nextKeyDigest(nextKey.publicKey); // 43 base64url characters
 */
export function nextKeyDigest(publicKey: Uint8Array): string {
  assertValidPublicKey(publicKey);
  return jwkThumbprint(publicKey);
}
