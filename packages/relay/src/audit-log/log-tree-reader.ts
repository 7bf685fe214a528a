import {
  consistencyProof,
  createTileHashReader,
  frontierNodes,
  HASH_SIZE,
  type HashReader,
  inclusionProof,
  isTileWithinTree,
  leafHash,
  rootAtSize,
  TILE_WIDTH,
  type TileId,
  tilesForConsistencyProof,
  tilesForInclusionProof,
  tilesForNodes,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { AuditLogStore, TileRow } from "./audit-log-store.ts";

/** What the reader needs to know about the committed log. */
export interface CommittedTree {
  /** Entries durably written. */
  readonly size: number;
  /** The committed edge tile of a tile level, if any. */
  edgeTile(level: number): TileRow | undefined;
}

/**
 * Reads the stored tree: hash tiles (edge tiles from memory, full tiles from a cache of immutable
 * tiles or the store; level-0 tiles rehashed from the entries), and proofs built from them. Proofs first list the tiles they touch
 * (`tilesForInclusionProof`), fetch them in one go, then fold synchronously; a node between tile
 * rows is rebuilt from its tile.
 *
 * @example
 * const reader = new LogTreeReader(store, tree);
 * const proof = await reader.inclusionProof(3, 10);
 */
export class LogTreeReader {
  readonly #store: AuditLogStore;
  readonly #tree: CommittedTree;
  // Full tiles never change, so a bounded map that drops its oldest entry is enough.
  readonly #fullTiles = new Map<string, Uint8Array>();
  readonly #cacheTiles: number;

  constructor(store: AuditLogStore, tree: CommittedTree, options: { cacheTiles?: number } = {}) {
    this.#store = store;
    this.#tree = tree;
    this.#cacheTiles = options.cacheTiles ?? 512;
  }

  /** The body of a hash tile (its first `width` hashes) within the committed tree. */
  async tile(tile: TileId): Promise<Uint8Array> {
    if (!isTileWithinTree(tile, this.#tree.size)) {
      throw new RelayError("ERR_LOG_INDEX_OUT_OF_RANGE", "tile: beyond the tree", {
        details: { level: tile.level, index: tile.index, width: tile.width },
      });
    }
    const hashes = await this.#hashes(tile);
    if (hashes === undefined || hashes.length < tile.width * HASH_SIZE) {
      throw new RelayError("ERR_LOG_HASH_MISSING", "tile: not stored", {
        details: { level: tile.level, index: tile.index },
      });
    }
    return hashes.subarray(0, tile.width * HASH_SIZE);
  }

  /** A synchronous HashReader for `treeSize` over the given tiles, fetched now. */
  async readerFor(tiles: readonly TileId[], treeSize: number): Promise<HashReader> {
    const bodies = new Map<string, Uint8Array>();
    for (const tile of tiles) bodies.set(tileKey(tile), await this.tile(tile));
    return createTileHashReader({
      treeSize,
      cacheTiles: Math.max(1, tiles.length),
      source: { readTile: (tile) => bodies.get(tileKey(tile)) ?? missing(tile) },
    });
  }

  /** The inclusion proof of `index` in the tree of `size`, and that entry's leaf hash. */
  async inclusionProof(
    index: number,
    size: number,
  ): Promise<{ proof: Uint8Array[]; leaf: Uint8Array }> {
    this.#assertSize(size);
    const reader = await this.readerFor(tilesForInclusionProof(index, size), size);
    return { proof: inclusionProof(index, size, reader), leaf: reader.readHash(0, index) };
  }

  /** The consistency proof between tree sizes `from` and `to`. */
  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    this.#assertSize(to);
    return consistencyProof(from, to, await this.readerFor(tilesForConsistencyProof(from, to), to));
  }

  /** MTH of the first `size` entries, from stored hashes. */
  async rootAt(size: number): Promise<Uint8Array> {
    this.#assertSize(size);
    return rootAtSize(size, await this.readerFor(tilesForNodes(frontierNodes(size), size), size));
  }

  #leafTile(index: number): Promise<Uint8Array> {
    return leafHashesOf(this.#store, index * TILE_WIDTH, (index + 1) * TILE_WIDTH);
  }

  #assertSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#tree.size) {
      throw new RelayError("ERR_LOG_INDEX_OUT_OF_RANGE", "size: beyond the tree", {
        details: { size, treeSize: this.#tree.size },
      });
    }
  }

  async #hashes(tile: TileId): Promise<Uint8Array | undefined> {
    const edge = this.#tree.edgeTile(tile.level);
    if (edge !== undefined && edge.index === tile.index) return edge.hashes;
    const key = tileKey(tile);
    const cached = this.#fullTiles.get(key);
    if (cached !== undefined) return cached;
    const stored =
      tile.level === 0 ? await this.#leafTile(tile.index) : await this.#store.readTile(tile);
    // Only full tiles are final; a tile left of the edge is always full.
    if (stored !== undefined && stored.length === TILE_WIDTH * HASH_SIZE) {
      if (this.#fullTiles.size >= this.#cacheTiles) {
        this.#fullTiles.delete(this.#fullTiles.keys().next().value!);
      }
      this.#fullTiles.set(key, stored);
    }
    return stored;
  }
}

/**
 * The leaf hashes of the entries [from, to), concatenated: a level-0 tile body, which the log
 * derives from its entries instead of storing.
 *
 * @example
 * const body = await leafHashesOf(store, 0, 256); // 8,192 bytes
 */
export async function leafHashesOf(
  store: AuditLogStore,
  from: number,
  to: number,
): Promise<Uint8Array> {
  const entries = await store.readEntries(from, to);
  const body = new Uint8Array(entries.length * HASH_SIZE);
  entries.forEach((entry, i) => {
    body.set(leafHash(entry), i * HASH_SIZE);
  });
  return body;
}

function tileKey(tile: TileId): string {
  return `${tile.level}/${tile.index}`;
}

function missing(tile: TileId): never {
  throw new RelayError("ERR_LOG_HASH_MISSING", "tile: not fetched", {
    details: { level: tile.level, index: tile.index },
  });
}
