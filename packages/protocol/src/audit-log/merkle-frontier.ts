import { ProtocolError } from "../errors/protocol-error.ts";
import { foldSubtreeHashes } from "./hash-reader.ts";
import { isHash, nodeHash } from "./merkle-hash.ts";
import { fullSubtrees, isTreeSize, type NodeId } from "./tree-math.ts";

/** A full subtree with its hash, as emitted by MerkleFrontier.append for storage. */
export interface NodeHash extends NodeId {
  readonly hash: Uint8Array;
}

/**
 * The compact range [0, size) of an append-only RFC 6962 tree: one hash per set bit of `size`,
 * the roots of its maximal full subtrees from the largest down. Appending a leaf merges equal
 * neighbours like a binary counter, so each append costs amortised one node hash, and every
 * full subtree completed along the way is returned so the log can store it (all of them, or
 * only the C2SP tile levels 0, 8, 16, ...). The root at the current size needs no storage.
 *
 * @example
 * const frontier = new MerkleFrontier();
 * const completed = frontier.append(leafHash(entryBytes)); // [{level: 0, index: 0, hash}, ...]
 * frontier.root(); // MTH of everything appended so far
 */
export class MerkleFrontier {
  #size = 0;
  // Roots of the maximal full subtrees of [0, size), largest (left-most) first.
  #hashes: Uint8Array[] = [];

  /**
   * Restores a frontier from stored hashes: `hashes` are the roots of fullSubtrees(0, size), in
   * that order (see `frontierNodes`). Throws ERR_LOG_INCONSISTENT when the count or a length
   * is wrong.
   *
   * @example
   * const restored = MerkleFrontier.restore(size, readHashes(frontierNodes(size), store));
   */
  static restore(size: number, hashes: readonly Uint8Array[]): MerkleFrontier {
    if (!isTreeSize(size)) {
      throw new ProtocolError("ERR_LOG_INCONSISTENT", "size: expected a non-negative integer");
    }
    const expected = fullSubtrees(0, size).length;
    if (hashes.length !== expected || !hashes.every(isHash)) {
      throw new ProtocolError(
        "ERR_LOG_INCONSISTENT",
        `frontier: expected ${expected} hashes of 32 bytes, got ${hashes.length}`,
      );
    }
    const frontier = new MerkleFrontier();
    frontier.#size = size;
    frontier.#hashes = hashes.map((hash) => hash.slice());
    return frontier;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash; returns the leaf and every full subtree it completed. */
  append(leaf: Uint8Array): NodeHash[] {
    if (!isHash(leaf)) throw new ProtocolError("ERR_MALFORMED", "leaf: expected 32 bytes");
    const completed: NodeHash[] = [{ level: 0, index: this.#size, hash: leaf }];
    let hash = leaf;
    let level = 0;
    let index = this.#size;
    // Each trailing 1 bit of the old size is a left sibling waiting for this subtree.
    while (index % 2 === 1) {
      hash = nodeHash(this.#hashes.pop()!, hash);
      level += 1;
      index = (index - 1) / 2;
      completed.push({ level, index, hash });
    }
    this.#hashes.push(hash);
    this.#size += 1;
    return completed;
  }

  /** Appends leaf hashes in order; returns every completed node, in completion order. */
  appendAll(leaves: readonly Uint8Array[]): NodeHash[] {
    const completed: NodeHash[] = [];
    for (const leaf of leaves) completed.push(...this.append(leaf));
    return completed;
  }

  /** MTH(D[0:size]) at the current size; the empty-tree hash when nothing was appended. */
  root(): Uint8Array {
    return foldSubtreeHashes(this.#hashes);
  }

  /** The frontier's own hashes, largest subtree first (what `restore` takes back). */
  hashes(): Uint8Array[] {
    return this.#hashes.map((hash) => hash.slice());
  }

  /** An independent copy, for computing a tentative root without committing appends. */
  clone(): MerkleFrontier {
    return MerkleFrontier.restore(this.#size, this.#hashes);
  }
}

/**
 * The full subtrees whose hashes restore a frontier at `size` (see MerkleFrontier.restore).
 *
 * @example
 * frontierNodes(6); // [{level: 2, index: 0}, {level: 1, index: 2}]
 */
export function frontierNodes(size: number): NodeId[] {
  return fullSubtrees(0, size);
}
