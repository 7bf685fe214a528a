// Byte-level checks on Ed25519 encodings (RFC 8032 section 5.1), cheap enough to run before any
// curve arithmetic.

/** RFC 8032 5.1: the group order L = 2^252 + 27742317777372353535851937790883648493. */
const GROUP_ORDER_L = 2n ** 252n + 27742317777372353535851937790883648493n;

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
export const SEED_LENGTH = 32;

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

/**
 * RFC 8032 5.1.7 step 1: reject S >= L, which would otherwise let anyone derive a second valid
 * signature (S + L) from a first one. The top byte settles almost every case without BigInt.
 */
export function isScalarCanonical(scalar: Uint8Array): boolean {
  const top = scalar[31]!;
  if (top < 0x10) return true;
  if (top > 0x10) return false;
  return littleEndianToBigInt(scalar) < GROUP_ORDER_L;
}

/**
 * True when a 32-byte point encoding has y < p = 2^255 - 19 (RFC 8032 5.1.3 step 1). The only
 * encodings with y >= p have bytes 1..30 all 0xff, byte 31 (sign bit masked) 0x7f, and byte 0
 * at least 0xed.
 */
export function isPointEncodingCanonical(point: Uint8Array): boolean {
  if ((point[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (point[i] !== 0xff) return true;
  return point[0]! < 0xed;
}
