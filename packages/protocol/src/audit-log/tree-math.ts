/**
 * Addressing for full subtrees of an RFC 6962 tree. A node (level, index) is the Merkle Tree Hash
 * of the 2^level leaves [index * 2^level, (index + 1) * 2^level). Arithmetic uses plain numbers
 * (never 32-bit bitwise operators), so sizes are exact up to Number.MAX_SAFE_INTEGER.
 */

/** A full subtree of the tree: its level (0 = a leaf) and its index within that level. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** True when `n` is a non-negative safe integer: a valid tree size or leaf index. */
export function isTreeSize(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0;
}

/**
 * The largest power of two strictly below `n`, the split point k of RFC 6962 section 2.1
 * (k < n <= 2k). Requires n >= 2.
 *
 * @example
 * largestPowerOfTwoBelow(5); // 4
 * largestPowerOfTwoBelow(8); // 4
 */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** True when `n` is 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && largestPowerOfTwoBelow(n + 1) === n;
}

/**
 * Splits the leaf range [begin, end) into maximal full subtrees, left to right. For the ranges
 * RFC 6962 recursion produces (begin aligned to a power of two at least end - begin) the sizes
 * come out in decreasing order, and folding their hashes from the right gives MTH(D[begin:end]).
 *
 * @example
 * fullSubtrees(0, 7); // [{level: 2, index: 0}, {level: 1, index: 2}, {level: 0, index: 6}]
 */
export function fullSubtrees(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let position = begin;
  while (position < end) {
    let width = 1;
    let level = 0;
    // Grow while the next size up stays aligned at `position` and fits before `end`.
    while (position % (width * 2) === 0 && position + width * 2 <= end) {
      width *= 2;
      level += 1;
    }
    nodes.push({ level, index: position / width });
    position += width;
  }
  return nodes;
}
