import { MerkleFrontier } from "./merkle-frontier.ts";

/**
 * MTH(D[n]) of RFC 6962 section 2.1 over leaf hashes already computed with `leafHash`: the
 * list is split at the largest power of two below n, recursively, and an odd node is carried up
 * unchanged, never padded or duplicated. Computed iteratively (n - 1 node hashes, no recursion).
 * Throws ERR_MALFORMED when a leaf hash is not 32 bytes.
 *
 * @example
 * rootHash([]); // e3b0c442...b855, the empty tree
 * rootHash(entries.map(leafHash));
 */
export function rootHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  const frontier = new MerkleFrontier();
  for (const leaf of leafHashes) frontier.append(leaf);
  return frontier.root();
}
