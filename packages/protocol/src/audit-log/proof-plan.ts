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
 * A memo of folded right-edge hashes, keyed by the leaf range they cover. MTH(D[begin:end]) of a
 * range never changes in an append-only log, so entries stay valid at every later tree size; a
 * bounded map (the relay's LRU cache, or a Map per checkpoint) is enough.
 */
export interface RangeHashCache {
  get(key: string): Uint8Array | undefined;
  set(key: string, value: Uint8Array): unknown;
}

/** Options shared by the proof generators. */
export interface ProofOptions {
  /** Memo for right-edge hashes, which every proof at one tree size shares. */
  readonly rangeCache?: RangeHashCache;
}

function rangeKey(part: readonly NodeId[]): string {
  const first = part[0]!;
  const last = part[part.length - 1]!;
  return `${first.index * 2 ** first.level}-${(last.index + 1) * 2 ** last.level}`;
}

function foldPart(part: readonly NodeId[], reader: HashReader, options: ProofOptions): Uint8Array {
  if (part.length === 1 || options.rangeCache === undefined) {
    return foldSubtreeHashes(readHashes(part, reader));
  }
  const key = rangeKey(part);
  const cached = options.rangeCache.get(key);
  if (cached !== undefined) return cached;
  const hash = foldSubtreeHashes(readHashes(part, reader));
  options.rangeCache.set(key, hash);
  return hash;
}

/**
 * Turns a plan into proof hashes by reading its nodes from `reader`.
 *
 * @example
 * const proof = assembleProof(inclusionProofPlan(2, 5), store); // Uint8Array[]
 */
export function assembleProof(
  plan: ProofPlan,
  reader: HashReader,
  options: ProofOptions = {},
): Uint8Array[] {
  return plan.parts.map((part) => foldPart(part, reader, options));
}
