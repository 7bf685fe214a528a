import { ProtocolError } from "../errors/protocol-error.ts";
import { hashesEqual, isHash, nodeHash } from "./merkle-hash.ts";
import { isTreeSize } from "./tree-math.ts";

/** The inputs of an inclusion check (RFC 9162 section 2.1.3.2 names in comments). */
export interface InclusionInput {
  /** leaf_index: position of the leaf, from 0. */
  readonly index: number;
  /** tree_size: the size of the tree the root belongs to. */
  readonly size: number;
  /** hash: the leaf hash, SHA-256(0x00 || entry). */
  readonly leafHash: Uint8Array;
  /** inclusion_path: sibling hashes, bottom-most first. */
  readonly proof: readonly Uint8Array[];
  /** root_hash: the tree head's root. */
  readonly rootHash: Uint8Array;
}

/**
 * Verifies an inclusion proof exactly as RFC 9162 section 2.1.3.2 describes. Returns a boolean
 * and never throws: any malformed input (a hash that is not 32 bytes, a non-integer index,
 * index >= size, so every size-0 tree) is false, as is a proof one hash too long or too short
 * for the index and size. Use `assertInclusion` for a coded error.
 *
 * @example
 * verifyInclusion({ index: 2, size: 5, leafHash, proof, rootHash }); // true
 */
export function verifyInclusion(input: InclusionInput): boolean {
  const { index, size, leafHash, proof, rootHash } = input;
  if (!isTreeSize(index) || !isTreeSize(size) || !isHash(leafHash) || !isHash(rootHash)) {
    return false;
  }
  if (!Array.isArray(proof) || !proof.every(isHash)) return false;

  // 1. If leaf_index >= tree_size, fail.
  if (index >= size) return false;

  // 2-3. fn = leaf_index, sn = tree_size - 1, r = hash.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;

  // 4. Walk the path.
  for (const p of proof) {
    // 4a. A path longer than the tree is high fails.
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // 4b.ii: skip the levels where this node has no right sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    // 4c.
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }

  // 5. sn must have reached 0 (no path element missing) and r must be the root.
  return sn === 0 && hashesEqual(r, rootHash);
}

/**
 * Like `verifyInclusion`, but throws ERR_LOG_PROOF_INVALID instead of returning false, for
 * callers that report a coded failure (bundle checks, the monitor).
 *
 * @example
 * assertInclusion({ index, size, leafHash, proof, rootHash }); // throws on a bad proof
 */
export function assertInclusion(input: InclusionInput): void {
  if (!verifyInclusion(input)) {
    throw new ProtocolError("ERR_LOG_PROOF_INVALID", "inclusion proof: does not verify", {
      details: { index: input.index, size: input.size },
    });
  }
}
