import { foldSubtreeHashes, type HashReader, readHashes } from "./hash-reader.ts";
import type { NodeId } from "./tree-math.ts";

/**
 * What a proof is made of before any hash is read: one part per proof hash, bottom-most first,
 * each part the full subtrees (left to right) whose fold is that hash. A part with one node is a
 * stored hash; a part with several is a right-edge node of a tree whose size is not a power of
 * two, computed on the fly from at most log2(size) stored hashes. Plans let a log fetch every
 * node it needs in one batch (one SQL query, or the C2SP tiles listed by `tilesForNodes`).
 */
export interface ProofPlan {
  readonly parts: readonly (readonly NodeId[])[];
}

/**
 * Every distinct node a plan reads, in first-use order.
 *
 * @example
 * planNodes(inclusionProofPlan(2, 5)); // [{level: 0, index: 3}, {level: 1, index: 0}, ...]
 */
export function planNodes(plan: ProofPlan): NodeId[] {
  const seen = new Set<string>();
  const nodes: NodeId[] = [];
  for (const part of plan.parts) {
    for (const node of part) {
      const key = `${node.level}/${node.index}`;
      if (seen.has(key)) continue;
      seen.add(key);
      nodes.push(node);
    }
  }
  return nodes;
}

/**
 * Turns a plan into proof hashes by reading its nodes from `reader`.
 *
 * @example
 * const proof = assembleProof(inclusionProofPlan(2, 5), store); // Uint8Array[]
 */
export function assembleProof(plan: ProofPlan, reader: HashReader): Uint8Array[] {
  return plan.parts.map((part) => foldSubtreeHashes(readHashes(part, reader)));
}
