import { createHash, hash } from "node:crypto";

/** Size in bytes of every Merkle tree hash (SHA-256). */
export const HASH_SIZE = 32;

/** RFC 6962 section 2.1: the byte prepended to an entry before hashing it as a leaf. */
export const LEAF_HASH_PREFIX = 0x00;

const LEAF_PREFIX = new Uint8Array([LEAF_HASH_PREFIX]);

/** RFC 6962 section 2.1: the byte prepended to two child hashes before hashing them. */
export const NODE_HASH_PREFIX = 0x01;

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The root of the empty tree, MTH({}) = SHA-256 of no bytes (RFC 6962 section 2.1). It is
 * distinct from the hash of an empty leaf, which carries the 0x00 prefix.
 *
 * @example
 * Buffer.from(emptyRootHash()).toString("hex"); // "e3b0c442...b855"
 */
export function emptyRootHash(): Uint8Array {
  return view(createHash("sha256").digest());
}

/**
 * Hashes one entry as a leaf: SHA-256(0x00 || entry) (RFC 6962 section 2.1). The prefix keeps a
 * leaf from ever colliding with an interior node (second-preimage resistance).
 *
 * @example
 * leafHash(new Uint8Array()); // 6e340b9c...a01d
 */
export function leafHash(entry: Uint8Array): Uint8Array {
  // Entries run to kilobytes: streaming the prefix and the entry beats copying them into one
  // buffer for the one-shot hash, which wins only for the 65-byte node inputs below.
  return view(createHash("sha256").update(LEAF_PREFIX).update(entry).digest());
}

/**
 * Hashes two child hashes into their parent: SHA-256(0x01 || left || right) (RFC 6962 section
 * 2.1). The children are taken as given; callers pass 32-byte hashes.
 *
 * @example
 * const parent = nodeHash(leafHash(a), leafHash(b));
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  // One contiguous buffer and the one-shot hash: markedly faster than a streaming Hash object
  // for these 65-byte inputs, and node hashing is the whole cost of proofs and appends.
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_HASH_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return view(hash("sha256", input, "buffer"));
}

/**
 * Constant-shape comparison of two hashes. Proof checks compare public values, so timing does
 * not leak secrets; this exists so every comparison in the package reads the same way.
 *
 * @example
 * hashesEqual(rootA, rootB); // true or false
 */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when `value` is a Uint8Array of exactly HASH_SIZE bytes. */
export function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_SIZE;
}
