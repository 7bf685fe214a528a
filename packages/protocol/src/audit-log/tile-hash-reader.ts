import { LruCache } from "../internal/lru-cache.ts";
import type { HashReader } from "./hash-reader.ts";
import { nodeHash } from "./merkle-hash.ts";
import { decodeHashTile } from "./tile-codec.ts";
import { tileForNode } from "./tile-layout.ts";
import { TILE_HEIGHT, TILE_WIDTH, type TileId } from "./tile-path.ts";

/** Where a tile reader gets tile bodies: the log's storage, or HTTP for a remote client. */
export interface TileSource {
  /** The body of `tile` (width * 32 bytes); throw a ProtocolError when it is unavailable. */
  readTile(tile: TileId): Uint8Array;
}

// Every level of one tile's 8-level subtree: levels[0] are the tile's hashes, levels[r] the
// hashes of full 2^r-wide groups of them.
type TileLevels = Uint8Array[][];

function buildTileLevels(hashes: Uint8Array[]): TileLevels {
  const levels: TileLevels = [hashes];
  for (let r = 1; r < TILE_HEIGHT; r++) {
    const below = levels[r - 1]!;
    const level: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) level.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(level);
  }
  return levels;
}

/**
 * A HashReader over C2SP tiles for a tree of `treeSize` leaves, so a log needs to store only the
 * tile rows (tree levels 0, 8, 16, ...: about 32.1 bytes per entry) yet serves any proof. A node
 * between tile rows is rebuilt from its tile (at most 254 node hashes per tile); the rebuilt
 * levels of the `cacheTiles` most recently used tiles are kept, so repeated proofs over the
 * same right edge cost lookups only. Errors of the source propagate; a body of the wrong length
 * is ERR_LOG_TILE_INVALID.
 *
 * @example
 * const reader = createTileHashReader({ treeSize, source: { readTile: (t) => db.tile(t) } });
 * inclusionProof(index, treeSize, reader);
 */
export function createTileHashReader(options: {
  treeSize: number;
  source: TileSource;
  cacheTiles?: number;
}): HashReader {
  const cache = new LruCache<string, TileLevels>(options.cacheTiles ?? 1024);
  return {
    readHash(level, index) {
      const tile = tileForNode({ level, index }, options.treeSize);
      const key = `${tile.level}/${tile.index}/${tile.width}`;
      let levels = cache.get(key);
      if (levels === undefined) {
        levels = buildTileLevels(decodeHashTile(options.source.readTile(tile), tile.width));
        cache.set(key, levels);
      }
      const r = level % TILE_HEIGHT;
      return levels[r]![index - (tile.index * TILE_WIDTH) / 2 ** r]!;
    },
  };
}
