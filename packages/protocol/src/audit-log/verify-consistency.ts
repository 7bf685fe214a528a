import { ProtocolError } from "../errors/protocol-error.ts";
import { emptyRootHash, hashesEqual, isHash, nodeHash } from "./merkle-hash.ts";
import { isPowerOfTwo, isTreeSize } from "./tree-math.ts";

/** The inputs of a consistency check (RFC 9162 section 2.1.4.2 names in comments). */
export interface ConsistencyInput {
  /** first: the older tree size. */
  readonly fromSize: number;
  /** second: the newer tree size. */
  readonly toSize: number;
  /** first_hash. */
  readonly fromRoot: Uint8Array;
  /** second_hash. */
  readonly toRoot: Uint8Array;
  /** consistency_path. */
  readonly proof: readonly Uint8Array[];
}

/**
 * Verifies that the tree of `toSize` leaves extends the tree of `fromSize` leaves. Returns a
 * boolean and never throws. The algorithm of RFC 9162 section 2.1.4.2 covers 0 < first < second;
 * the other cases are decided as the proof definition of section 2.1.4.1 implies:
 * - first > second, non-integer sizes, hashes not 32 bytes: false;
 * - first == second: true only for an empty proof and identical roots;
 * - first == 0 < second: true only for an empty proof and a first root equal to the empty-tree
 *   hash (SHA-256 of no bytes), since the empty tree is a prefix of every tree;
 * - 0 < first < second: an empty proof fails (step 1); a first size that is a power of two
 *   uses the first root as the path's first element (step 2).
 *
 * @example
 * verifyConsistency({ fromSize: 6, toSize: 8, fromRoot, toRoot, proof }); // true
 */
export function verifyConsistency(input: ConsistencyInput): boolean {
  const { fromSize: first, toSize: second, fromRoot, toRoot, proof } = input;
  if (!isTreeSize(first) || !isTreeSize(second) || first > second) return false;
  if (!isHash(fromRoot) || !isHash(toRoot)) return false;
  if (!Array.isArray(proof) || !proof.every(isHash)) return false;
  if (first === second) return proof.length === 0 && hashesEqual(fromRoot, toRoot);
  if (first === 0) return proof.length === 0 && hashesEqual(fromRoot, emptyRootHash());

  // 1. An empty consistency_path fails.
  if (proof.length === 0) return false;

  // 2. A power-of-two first tree is itself a node of the second: the path starts at it.
  const path = isPowerOfTwo(first) ? [fromRoot, ...proof] : [...proof];

  // 3-4. fn = first - 1, sn = second - 1, then drop the levels where fn is a right child.
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }

  // 5. fr = sr = the first path element.
  let fr = path[0]!;
  let sr = path[0]!;

  // 6. Fold the rest of the path into both roots.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }

  // 7. Both roots must match and the path must have reached the top of the second tree.
  return sn === 0 && hashesEqual(fr, fromRoot) && hashesEqual(sr, toRoot);
}

/**
 * Like `verifyConsistency`, but throws ERR_LOG_PROOF_INVALID instead of returning false.
 *
 * @example
 * assertConsistency({ fromSize, toSize, fromRoot, toRoot, proof }); // throws on a fork
 */
export function assertConsistency(input: ConsistencyInput): void {
  if (!verifyConsistency(input)) {
    throw new ProtocolError("ERR_LOG_PROOF_INVALID", "consistency proof: does not verify", {
      details: { fromSize: input.fromSize, toSize: input.toSize },
    });
  }
}
