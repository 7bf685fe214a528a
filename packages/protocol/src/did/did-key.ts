import { base58 } from "@scure/base";
import { ProtocolError } from "../errors/protocol-error.ts";
import { assertValidPublicKey } from "../keys/ed25519.ts";
import { PUBLIC_KEY_LENGTH } from "../keys/ed25519-encoding.ts";

const DID_KEY_PREFIX = "did:key:";
/** Multibase prefix for base58btc (did:key spec, section 3.1.1). */
const MULTIBASE_BASE58BTC = "z";
/** Multicodec ed25519-pub, varint-encoded 0xed as 0xed 0x01. */
const MULTICODEC_ED25519_PUB = new Uint8Array([0xed, 0x01]);
/** did:key strings are short; refusing long input early bounds the base58 work. */
const MAX_DID_LENGTH = 128;

/**
 * Encodes an Ed25519 public key as a did:key (`did:key:z6Mk...`).
 *
 * @example
 * didFromPublicKey(publicKey); // "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
 */
export function didFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== PUBLIC_KEY_LENGTH) {
    throw new ProtocolError("ERR_KEY_INVALID", `public key: expected ${PUBLIC_KEY_LENGTH} bytes`);
  }
  const bytes = new Uint8Array(MULTICODEC_ED25519_PUB.length + publicKey.length);
  bytes.set(MULTICODEC_ED25519_PUB);
  bytes.set(publicKey, MULTICODEC_ED25519_PUB.length);
  return DID_KEY_PREFIX + MULTIBASE_BASE58BTC + base58.encode(bytes);
}

/**
 * Decodes an Ed25519 did:key to its public key and checks the key is canonical and of prime
 * order. Throws ERR_DID_INVALID, ERR_DID_METHOD_UNSUPPORTED, ERR_DID_MULTIBASE_UNSUPPORTED,
 * ERR_DID_MULTICODEC_UNSUPPORTED, or a key error.
 *
 * @example
 * const publicKey = publicKeyFromDid("did:key:z6Mk...");
 */
export function publicKeyFromDid(did: string): Uint8Array {
  const publicKey = decodeDidKey(did);
  assertValidPublicKey(publicKey);
  return publicKey;
}

function decodeDidKey(did: string): Uint8Array {
  if (typeof did !== "string" || did.length > MAX_DID_LENGTH) {
    throw new ProtocolError("ERR_DID_INVALID", "did: expected a did:key string");
  }
  if (!did.startsWith(DID_KEY_PREFIX)) {
    throw new ProtocolError("ERR_DID_METHOD_UNSUPPORTED", "did: expected method did:key");
  }
  const multibase = did.slice(DID_KEY_PREFIX.length);
  if (!multibase.startsWith(MULTIBASE_BASE58BTC)) {
    throw new ProtocolError("ERR_DID_MULTIBASE_UNSUPPORTED", "did: expected base58btc (z)");
  }
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(multibase.slice(1));
  } catch {
    throw new ProtocolError("ERR_DID_INVALID", "did: invalid base58btc");
  }
  if (bytes.length < MULTICODEC_ED25519_PUB.length) {
    throw new ProtocolError("ERR_DID_INVALID", "did: too short for a multicodec key");
  }
  if (bytes[0] !== MULTICODEC_ED25519_PUB[0] || bytes[1] !== MULTICODEC_ED25519_PUB[1]) {
    throw new ProtocolError("ERR_DID_MULTICODEC_UNSUPPORTED", "did: expected ed25519-pub");
  }
  if (bytes.length !== MULTICODEC_ED25519_PUB.length + PUBLIC_KEY_LENGTH) {
    throw new ProtocolError("ERR_DID_INVALID", `did: expected a ${PUBLIC_KEY_LENGTH}-byte key`);
  }
  // base58 has one spelling per byte string, but leading-zero handling differs across
  // implementations; re-encoding pins the exact string.
  const publicKey = bytes.slice(MULTICODEC_ED25519_PUB.length);
  if (didFromPublicKey(publicKey) !== did) {
    throw new ProtocolError("ERR_DID_INVALID", "did: non-canonical encoding");
  }
  return publicKey;
}
