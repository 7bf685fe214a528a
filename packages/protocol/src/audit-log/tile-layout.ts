import { ProtocolError } from "../errors/protocol-error.ts";
import { consistencyProofPlan } from "./consistency-proof.ts";
import { inclusionProofPlan } from "./inclusion-proof.ts";
import { planNodes } from "./proof-plan.ts";
import { TILE_HEIGHT, TILE_WIDTH, type TileId } from "./tile-path.ts";
import type { NodeId } from "./tree-math.ts";

const TILE_SPAN = 2 ** TILE_HEIGHT;

/**
 * Number of hashes at tile level `level` in a tree of `size` leaves: floor(size / 256^level),
 * the full subtrees of 256^level leaves.
 *
 * @example
 * hashesAtTileLevel(1, 70_000); // 273
 */
export function hashesAtTileLevel(level: number, size: number): number {
  return Math.floor(size / TILE_SPAN ** level);
}

/**
 * True when `tile` is part of the tree of `size` leaves: a full tile whose hashes all exist, or a
 * partial tile no wider than the hashes that exist. Lets a log answer a request for a tile of an
 * older tree size and refuse tiles it cannot have.
 *
 * @example
 * isTileWithinTree({ level: 0, index: 273, width: 112 }, 70_000); // true
 */
export function isTileWithinTree(tile: TileId, size: number): boolean {
  return tile.index * TILE_WIDTH + tile.width <= hashesAtTileLevel(tile.level, size);
}

/**
 * The tile a full-subtree node is computed from, in the tree of `treeSize` leaves. A node at tree
 * level 8L + r is the hash of 2^r consecutive hashes of one tile at tile level L (C2SP
 * tlog-tiles: the levels between tile rows are rebuilt by hashing). The tile is partial when it
 * is the right-most one of its level. Throws ERR_LOG_INDEX_OUT_OF_RANGE for a node outside the
 * tree.
 *
 * @example
 * tileForNode({ level: 9, index: 3 }, 70_000); // { level: 1, index: 0, width: 256 }
 */
export function tileForNode(node: NodeId, treeSize: number): TileId {
  const level = Math.floor(node.level / TILE_HEIGHT);
  const span = 2 ** (node.level % TILE_HEIGHT);
  const available = hashesAtTileLevel(level, treeSize);
  if ((node.index + 1) * span > available) {
    throw new ProtocolError("ERR_LOG_INDEX_OUT_OF_RANGE", "node: outside the tree", {
      details: { level: node.level, index: node.index, treeSize },
    });
  }
  const index = Math.floor((node.index * span) / TILE_WIDTH);
  return { level, index, width: Math.min(TILE_WIDTH, available - index * TILE_WIDTH) };
}

/**
 * The distinct tiles that hold a list of nodes, in first-use order.
 *
 * @example
 * tilesForNodes(planNodes(inclusionProofPlan(5, 1000)), 1000);
 */
export function tilesForNodes(nodes: readonly NodeId[], treeSize: number): TileId[] {
  const tiles = new Map<string, TileId>();
  for (const node of nodes) {
    const tile = tileForNode(node, treeSize);
    tiles.set(`${tile.level}/${tile.index}`, tile);
  }
  return [...tiles.values()];
}

/**
 * The tiles a client fetches to build the inclusion proof of leaf `index` in the tree of `size`
 * leaves (with the leaf's own level-0 tile, which holds its hash). Throws
 * ERR_LOG_INDEX_OUT_OF_RANGE.
 *
 * @example
 * tilesForInclusionProof(1_000, 70_000).length; // a handful of tiles, not 70,000 hashes
 */
export function tilesForInclusionProof(index: number, size: number): TileId[] {
  const nodes = [{ level: 0, index }, ...planNodes(inclusionProofPlan(index, size))];
  return tilesForNodes(nodes, size);
}

/**
 * The tiles a client fetches to build the consistency proof from tree size `from` to `to`.
 *
 * @example
 * tilesForConsistencyProof(69_000, 70_000);
 */
export function tilesForConsistencyProof(from: number, to: number): TileId[] {
  return tilesForNodes(planNodes(consistencyProofPlan(from, to)), to);
}
