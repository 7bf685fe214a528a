import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { ProtocolError } from "../errors/protocol-error.ts";
import { LruCache } from "../internal/lru-cache.ts";
import {
  isPointEncodingCanonical,
  isScalarCanonical,
  PUBLIC_KEY_LENGTH,
  SEED_LENGTH,
  SIGNATURE_LENGTH,
} from "./ed25519-encoding.ts";

// DER prefixes that wrap a raw Ed25519 key for node:crypto (RFC 8410).
const PKCS8_SEED_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** An Ed25519 signer holding its seed privately; the seed never leaves this object. */
export interface Ed25519Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

// Keys are checked for prime order once, then their KeyObject is reused: the scalar
// multiplication and the DER import are the expensive parts of a first verification.
const checkedKeys = new LruCache<string, KeyObject | ProtocolError>(100_000);

/**
 * Creates a signer from a 32-byte seed (RFC 8032 5.1.5).
 *
 * @example
 * const signer = createSigner(randomBytes(32));
 * const signature = signer.sign(new TextEncoder().encode("hello"));
 */
export function createSigner(seed: Uint8Array): Ed25519Signer {
  if (!(seed instanceof Uint8Array) || seed.length !== SEED_LENGTH) {
    throw new ProtocolError("ERR_KEY_INVALID", `seed: expected ${SEED_LENGTH} bytes`);
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_SEED_PREFIX, seed]),
    format: "der",
    type: "pkcs8",
  });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
  return {
    publicKey,
    sign: (message) => new Uint8Array(cryptoSign(null, message, privateKey)),
  };
}

/**
 * Generates a fresh seed from the system's CSPRNG and returns it with its public key.
 *
 * @example
 * const { seed, publicKey } = generateKeyPair();
 */
export function generateKeyPair(): { seed: Uint8Array; publicKey: Uint8Array } {
  const { privateKey } = generateKeyPairSync("ed25519");
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const seed = new Uint8Array(der.subarray(PKCS8_SEED_PREFIX.length));
  return { seed, publicKey: createSigner(seed).publicKey };
}

/**
 * Checks that a public key is a canonical encoding of a point of prime order, and returns the
 * node:crypto key for it. Throws ERR_KEY_INVALID, ERR_KEY_NON_CANONICAL, ERR_KEY_SMALL_ORDER or
 * ERR_KEY_MIXED_ORDER. The result is cached, so the scalar multiplication runs once per key.
 *
 * @example
 * assertValidPublicKey(publicKey); // throws unless usable
 */
export function assertValidPublicKey(publicKey: Uint8Array): KeyObject {
  const cached = lookupPublicKey(publicKey);
  if (cached instanceof ProtocolError) throw cached;
  return cached;
}

function lookupPublicKey(publicKey: Uint8Array): KeyObject | ProtocolError {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_LENGTH) {
    return new ProtocolError("ERR_KEY_INVALID", `public key: expected ${PUBLIC_KEY_LENGTH} bytes`);
  }
  const id = Buffer.from(publicKey).toString("base64");
  let entry = checkedKeys.get(id);
  if (entry === undefined) {
    entry = checkPublicKey(publicKey);
    checkedKeys.set(id, entry);
  }
  return entry;
}

function checkPublicKey(publicKey: Uint8Array): KeyObject | ProtocolError {
  if (!isPointEncodingCanonical(publicKey)) {
    return new ProtocolError("ERR_KEY_NON_CANONICAL", "public key: y is not below p");
  }
  let point: ReturnType<typeof ed25519.Point.fromBytes>;
  try {
    point = ed25519.Point.fromBytes(publicKey, false);
  } catch {
    // RFC 8032 5.1.3 step 4 makes x = 0 with the sign bit set a decoding failure; it is a second
    // spelling of a valid point, so it is reported as non-canonical rather than off the curve.
    if (hasSignedZeroX(publicKey)) {
      return new ProtocolError("ERR_KEY_NON_CANONICAL", "public key: x = 0 with the sign bit set");
    }
    return new ProtocolError("ERR_KEY_INVALID", "public key: not a point on the curve");
  }
  // Any other second spelling of the same point shows up when re-encoding.
  if (Buffer.compare(point.toBytes(), publicKey) !== 0) {
    return new ProtocolError("ERR_KEY_NON_CANONICAL", "public key: non-canonical encoding");
  }
  if (point.isSmallOrder()) {
    return new ProtocolError("ERR_KEY_SMALL_ORDER", "public key: point of small order");
  }
  if (!point.isTorsionFree()) {
    return new ProtocolError("ERR_KEY_MIXED_ORDER", "public key: point has a torsion component");
  }
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, publicKey]),
    format: "der",
    type: "spki",
  });
}

function hasSignedZeroX(publicKey: Uint8Array): boolean {
  if ((publicKey[31]! & 0x80) === 0) return false;
  const unsigned = publicKey.slice();
  unsigned[31]! &= 0x7f;
  try {
    return ed25519.Point.fromBytes(unsigned, false).toAffine().x === 0n;
  } catch {
    return false;
  }
}

/**
 * Strict Ed25519 verification (RFC 8032 5.1.7 with the checks DESIGN.md section 3 adds):
 * a 64-byte signature, S < L, a canonical R, and a canonical public key of prime order.
 * Returns false on any failure, never throws for bad input.
 *
 * @example
 * if (!verifySignature(signature, message, publicKey)) throw new Error("bad signature");
 */
export function verifySignature(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) return false;
  if (!isScalarCanonical(signature.subarray(32))) return false;
  if (!isPointEncodingCanonical(signature.subarray(0, 32))) return false;
  const key = lookupPublicKey(publicKey);
  if (key instanceof ProtocolError) return false;
  return cryptoVerify(null, message, key, signature);
}
