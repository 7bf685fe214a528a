import { HASH_SIZE, type NodeHash, TILE_HEIGHT, TILE_WIDTH } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { TileRow } from "./audit-log-store.ts";

interface EdgeTile {
  index: number;
  hashes: Uint8Array;
  width: number;
}

/**
 * The right-most C2SP hash tile of every tile level, in memory: the only tiles that still change.
 * Nodes a MerkleFrontier completes at tree levels 0, 8, 16, ... are appended here, and each
 * changed tile is written back whole in the same transaction as its entries; every full tile is
 * final once written.
 *
 * @example
 * const edge = TileEdge.restore(state.edgeTiles);
 * const filled = edge.add(frontier.append(leaf)); // full tiles to store
 */
export class TileEdge {
  readonly #tiles = new Map<number, EdgeTile>();

  /**
   * Restores the edge from stored rows (their widths must match the tree size, which the caller
   * checks through the frontier).
   *
   * @example
   * TileEdge.restore([{ level: 0, index: 3, hashes }]);
   */
  static restore(rows: readonly TileRow[]): TileEdge {
    const edge = new TileEdge();
    for (const row of rows) {
      const hashes = new Uint8Array(TILE_WIDTH * HASH_SIZE);
      hashes.set(row.hashes.subarray(0, hashes.length));
      edge.#tiles.set(row.level, {
        index: row.index,
        hashes,
        width: Math.floor(row.hashes.length / HASH_SIZE),
      });
    }
    return edge;
  }

  /** An independent copy, so a batch can be staged and dropped if its transaction fails. */
  clone(): TileEdge {
    return TileEdge.restore([...this.#tiles].map(([level, tile]) => rowOf(level, tile)));
  }

  /** The edge tile of `level` with the hashes it holds so far, if the level has any. */
  tile(level: number): TileRow | undefined {
    const tile = this.#tiles.get(level);
    return tile === undefined ? undefined : rowOf(level, tile);
  }

  /**
   * Adds the nodes a frontier completed (those between tile rows are ignored); returns every
   * tile they filled, since a filled tile leaves the edge and must be written before it goes.
   */
  add(nodes: readonly NodeHash[]): TileRow[] {
    const filled: TileRow[] = [];
    for (const node of nodes) {
      if (node.level % TILE_HEIGHT !== 0) continue;
      const level = node.level / TILE_HEIGHT;
      const tile = this.#tileFor(level, node.index);
      tile.hashes.set(node.hash, tile.width * HASH_SIZE);
      tile.width += 1;
      if (tile.width === TILE_WIDTH) filled.push(rowOf(level, tile));
    }
    return filled;
  }

  #tileFor(level: number, nodeIndex: number): EdgeTile {
    const index = Math.floor(nodeIndex / TILE_WIDTH);
    let tile = this.#tiles.get(level);
    if (tile === undefined || (tile.index + 1 === index && tile.width === TILE_WIDTH)) {
      tile = { index, hashes: new Uint8Array(TILE_WIDTH * HASH_SIZE), width: 0 };
      this.#tiles.set(level, tile);
    }
    if (tile.index !== index || tile.width !== nodeIndex % TILE_WIDTH) {
      throw new RelayError("ERR_LOG_INCONSISTENT", "tiles: node out of order", {
        details: { level, nodeIndex },
      });
    }
    return tile;
  }
}

function rowOf(level: number, tile: EdgeTile): TileRow {
  return { level, index: tile.index, hashes: tile.hashes.slice(0, tile.width * HASH_SIZE) };
}
