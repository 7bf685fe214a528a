import { emptyRootHash, nodeHash } from "./merkle-hash.ts";
import { fullSubtrees, type NodeId } from "./tree-math.ts";

/**
 * A source of stored full-subtree hashes. `readHash(level, index)` returns MTH of the leaves
 * [index * 2^level, (index + 1) * 2^level), which must all exist. Proof generation only ever asks
 * for full subtrees, so a log can answer from stored hashes (or C2SP tiles) without rehashing
 * leaves. Implementations throw a ProtocolError when a hash is missing.
 *
 * @example
 * const reader: HashReader = { readHash: (level, index) => store.get(level, index) };
 */
export interface HashReader {
  readHash(level: number, index: number): Uint8Array;
}

/**
 * Folds the hashes of full subtrees, listed left to right in decreasing size, into the hash of
 * the range they cover: the right-most pair is combined first, as the RFC 6962 split puts the
 * larger, full subtree on the left at every step. An empty list is the empty tree.
 *
 * @example
 * foldSubtreeHashes([h4, h2, h1]); // nodeHash(h4, nodeHash(h2, h1))
 */
export function foldSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRootHash();
  let hash = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

/**
 * Reads a list of full subtrees from `reader`.
 *
 * @example
 * readHashes([{ level: 2, index: 0 }], reader); // [MTH(D[0:4])]
 */
export function readHashes(nodes: readonly NodeId[], reader: HashReader): Uint8Array[] {
  return nodes.map((node) => reader.readHash(node.level, node.index));
}

/**
 * MTH(D[begin:end]) for a range that RFC 6962 recursion produces, computed from at most
 * log2(end - begin) stored subtree hashes.
 *
 * @example
 * subtreeRoot(4, 7, reader); // nodeHash(MTH(D[4:6]), MTH(D[6:7]))
 */
export function subtreeRoot(begin: number, end: number, reader: HashReader): Uint8Array {
  return foldSubtreeHashes(readHashes(fullSubtrees(begin, end), reader));
}

/**
 * The root hash of the tree at any `size` up to what `reader` holds: MTH(D[0:size]).
 *
 * @example
 * rootAtSize(0, reader); // e3b0c442...b855, the empty tree
 */
export function rootAtSize(size: number, reader: HashReader): Uint8Array {
  return subtreeRoot(0, size, reader);
}
