import { ProtocolError } from "../errors/protocol-error.ts";
import type { HashReader } from "./hash-reader.ts";
import { assembleProof, type ProofOptions, type ProofPlan } from "./proof-plan.ts";
import { fullSubtrees, isTreeSize, largestPowerOfTwoBelow, type NodeId } from "./tree-math.ts";

/**
 * Plans the inclusion proof (audit path) of leaf `index` in the tree of `size` leaves, following
 * PATH(m, D[n]) of RFC 6962 section 2.1.1 / RFC 9162 section 2.1.3.1 without recursion: at each
 * split the sibling range goes into the proof and the walk descends into the side holding the
 * leaf. Throws ERR_LOG_INDEX_OUT_OF_RANGE unless 0 <= index < size.
 *
 * @example
 * inclusionProofPlan(2, 5).parts.length; // 3
 */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  if (!isTreeSize(index) || !isTreeSize(size) || index >= size) {
    throw new ProtocolError("ERR_LOG_INDEX_OUT_OF_RANGE", "index: expected 0 <= index < size", {
      details: { index, size },
    });
  }
  const parts: NodeId[][] = [];
  let begin = 0;
  let end = size;
  while (end - begin > 1) {
    const split = begin + largestPowerOfTwoBelow(end - begin);
    if (index < split) {
      parts.push(fullSubtrees(split, end));
      end = split;
    } else {
      parts.push(fullSubtrees(begin, split));
      begin = split;
    }
  }
  // The walk went top-down; PATH lists the leaf's own sibling first.
  return { parts: parts.reverse() };
}

/**
 * Generates the inclusion proof of leaf `index` in the tree of `size` leaves from stored
 * full-subtree hashes: at most 2 * log2(size) reads and log2(size) node hashes, never a leaf
 * rehash; pass `options.rangeCache` to share right-edge hashes across proofs. Throws
 * ERR_LOG_INDEX_OUT_OF_RANGE, or the reader's error for a missing hash.
 *
 * @example
 * const proof = inclusionProof(2, 5, store);
 * verifyInclusion({ index: 2, size: 5, leafHash, proof, rootHash }); // true
 */
export function inclusionProof(
  index: number,
  size: number,
  reader: HashReader,
  options: ProofOptions = {},
): Uint8Array[] {
  return assembleProof(inclusionProofPlan(index, size), reader, options);
}
