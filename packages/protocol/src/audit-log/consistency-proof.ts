import { ProtocolError } from "../errors/protocol-error.ts";
import type { HashReader } from "./hash-reader.ts";
import { assembleProof, type ProofOptions, type ProofPlan } from "./proof-plan.ts";
import { fullSubtrees, isTreeSize, largestPowerOfTwoBelow, type NodeId } from "./tree-math.ts";

/**
 * Plans the consistency proof between tree sizes `from` and `to`, following
 * SUBPROOF(m, D[n], b) of RFC 6962 section 2.1.2 / RFC 9162 section 2.1.4.1 without recursion.
 * The proof is empty when from == to (nothing to prove) and when from == 0 (the empty tree is a
 * prefix of every tree). Throws ERR_LOG_INDEX_OUT_OF_RANGE unless 0 <= from <= to.
 *
 * @example
 * consistencyProofPlan(6, 8).parts.length; // 3
 */
export function consistencyProofPlan(from: number, to: number): ProofPlan {
  if (!isTreeSize(from) || !isTreeSize(to) || from > to) {
    throw new ProtocolError("ERR_LOG_INDEX_OUT_OF_RANGE", "from: expected 0 <= from <= to", {
      details: { from, to },
    });
  }
  if (from === 0 || from === to) return { parts: [] };
  const parts: NodeId[][] = [];
  let begin = 0;
  let end = to;
  // b of SUBPROOF: true while the range still starts at 0, where the verifier knows the hash.
  let atStart = true;
  while (from !== end) {
    const split = begin + largestPowerOfTwoBelow(end - begin);
    if (from <= split) {
      parts.push(fullSubtrees(split, end));
      end = split;
    } else {
      parts.push(fullSubtrees(begin, split));
      begin = split;
      atStart = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree's last subtree, unless it is the root.
  if (!atStart) parts.push(fullSubtrees(begin, end));
  return { parts: parts.reverse() };
}

/**
 * Generates the consistency proof between tree sizes `from` and `to` from stored full-subtree
 * hashes, never rehashing leaves (`options.rangeCache` shares right-edge hashes across proofs).
 * Throws ERR_LOG_INDEX_OUT_OF_RANGE, or the reader's error for a missing hash.
 *
 * @example
 * const proof = consistencyProof(6, 8, store);
 * verifyConsistency({ fromSize: 6, toSize: 8, fromRoot, toRoot, proof }); // true
 */
export function consistencyProof(
  from: number,
  to: number,
  reader: HashReader,
  options: ProofOptions = {},
): Uint8Array[] {
  return assembleProof(consistencyProofPlan(from, to), reader, options);
}
