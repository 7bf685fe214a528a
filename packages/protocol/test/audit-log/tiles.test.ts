import { describe, expect, it } from "vitest";
import { consistencyProof } from "../../src/audit-log/consistency-proof.ts";
import { inclusionProof, inclusionProofPlan } from "../../src/audit-log/inclusion-proof.ts";
import { MemoryHashStore } from "../../src/audit-log/memory-hash-store.ts";
import { MerkleFrontier } from "../../src/audit-log/merkle-frontier.ts";
import { leafHash } from "../../src/audit-log/merkle-hash.ts";
import { planNodes } from "../../src/audit-log/proof-plan.ts";
import {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
} from "../../src/audit-log/tile-codec.ts";
import { createTileHashReader } from "../../src/audit-log/tile-hash-reader.ts";
import {
  hashesAtTileLevel,
  isTileWithinTree,
  tileForNode,
  tilesForConsistencyProof,
  tilesForInclusionProof,
} from "../../src/audit-log/tile-layout.ts";
import {
  entryBundlePath,
  formatTileIndex,
  parseTilePath,
  type TileId,
  tilePath,
} from "../../src/audit-log/tile-path.ts";
import vectors from "../vectors/tlog-tiles.json" with { type: "json" };

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const SIZE = 70_000;
const full = new MemoryHashStore();
const rows = new MemoryHashStore({ keepLevel: (level) => level % 8 === 0 });
const frontier = new MerkleFrontier();
for (let i = 0; i < SIZE; i++) {
  const nodes = frontier.append(leafHash(Buffer.from(`entry ${i}`)));
  full.putAll(nodes);
  rows.putAll(nodes);
}

function readTileFromRows(tile: TileId): Uint8Array {
  const begin = tile.index * 256;
  return rows.readRange(tile.level * 8, begin, begin + tile.width);
}

describe("tile paths", () => {
  for (const c of vectors.paths) {
    it(`${c.valid ? "parses" : "refuses"} ${c.path} (${c.description})`, () => {
      if (!c.valid) {
        expect(() => parseTilePath(c.path)).toThrow(expect.objectContaining({ code: c.error }));
        return;
      }
      const parsed = parseTilePath(c.path);
      expect(parsed).toEqual(
        c.kind === "hash"
          ? { kind: "hash", level: c.level, index: c.index, width: c.width }
          : { kind: "entries", index: c.index, width: c.width },
      );
      expect(parsed.kind === "hash" ? tilePath(parsed) : entryBundlePath(parsed)).toBe(c.path);
    });
  }

  it("formats indexes in three-digit groups", () => {
    expect(formatTileIndex(1234067)).toBe("x001/x234/067");
    expect(formatTileIndex(999)).toBe("999");
    expect(formatTileIndex(1000)).toBe("x001/000");
    expect(() => formatTileIndex(-1)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_TILE_INVALID" }),
    );
  });
});

describe("tile layout", () => {
  for (const c of vectors.layouts) {
    it(c.description, () => {
      for (const { level, fullTiles, partialWidth } of c.levels) {
        const hashes = hashesAtTileLevel(level, c.size);
        expect([Math.floor(hashes / 256), hashes % 256]).toEqual([fullTiles, partialWidth]);
      }
      expect(hashesAtTileLevel(c.levels.length, c.size)).toBe(0);
    });
  }

  it("places nodes between tile rows in the tile they are rebuilt from", () => {
    expect(tileForNode({ level: 0, index: 69_999 }, SIZE)).toEqual({
      level: 0,
      index: 273,
      width: 112,
    });
    expect(tileForNode({ level: 9, index: 3 }, SIZE)).toEqual({ level: 1, index: 0, width: 256 });
    expect(tileForNode({ level: 12, index: 16 }, SIZE)).toEqual({ level: 1, index: 1, width: 17 });
    expect(() => tileForNode({ level: 8, index: 273 }, SIZE)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_INDEX_OUT_OF_RANGE" }),
    );
  });

  it("knows which tiles exist at a tree size", () => {
    expect(isTileWithinTree({ level: 0, index: 273, width: 112 }, SIZE)).toBe(true);
    expect(isTileWithinTree({ level: 0, index: 273, width: 113 }, SIZE)).toBe(false);
    expect(isTileWithinTree({ level: 1, index: 0, width: 256 }, SIZE)).toBe(true);
    expect(isTileWithinTree({ level: 2, index: 0, width: 256 }, SIZE)).toBe(false);
  });

  it("lists a handful of tiles for a proof, covering every node it reads", () => {
    const tiles = tilesForInclusionProof(12_345, SIZE);
    expect(tiles.length).toBeLessThanOrEqual(6);
    for (const node of planNodes(inclusionProofPlan(12_345, SIZE))) {
      expect(tiles).toContainEqual(tileForNode(node, SIZE));
    }
    expect(tilesForConsistencyProof(69_000, SIZE).length).toBeGreaterThan(0);
  });
});

describe("proofs from tiles", () => {
  it("match proofs from a store of every level, storing only the tile rows", () => {
    const reader = createTileHashReader({ treeSize: SIZE, source: { readTile: readTileFromRows } });
    for (const index of [0, 1, 255, 256, 65_535, 65_536, 69_999, 12_345]) {
      expect(inclusionProof(index, SIZE, reader).map(hex)).toEqual(
        inclusionProof(index, SIZE, full).map(hex),
      );
    }
    for (const from of [1, 256, 4_097, 65_536, 69_999]) {
      expect(consistencyProof(from, SIZE, reader).map(hex)).toEqual(
        consistencyProof(from, SIZE, full).map(hex),
      );
    }
    expect(rows.count(0) + rows.count(8) + rows.count(16)).toBe(SIZE + 273 + 1);
  });

  it("refuses a tile body of the wrong length with ERR_LOG_TILE_INVALID", () => {
    const reader = createTileHashReader({
      treeSize: SIZE,
      source: { readTile: () => new Uint8Array(100) },
    });
    expect(() => reader.readHash(3, 0)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_TILE_INVALID" }),
    );
  });
});

describe("tile bodies", () => {
  const bytes = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

  for (const c of vectors.bundles) {
    it(`${c.valid ? "encodes" : "refuses"} a bundle: ${c.description}`, () => {
      if (!c.valid) {
        expect(() => decodeEntryBundle(bytes(c.bundle))).toThrow(
          expect.objectContaining({ code: c.error }),
        );
        return;
      }
      const entries = c.entries!.map(bytes);
      expect(hex(encodeEntryBundle(entries))).toBe(c.bundle);
      expect(decodeEntryBundle(bytes(c.bundle), entries.length).map(hex)).toEqual(c.entries);
    });
  }

  it("refuses bundles with the wrong count or oversize entries", () => {
    const bundle = encodeEntryBundle([new Uint8Array(1)]);
    expect(() => decodeEntryBundle(bundle, 2)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_TILE_INVALID" }),
    );
    expect(() => encodeEntryBundle([new Uint8Array(65_536)])).toThrow(
      expect.objectContaining({ code: "ERR_LOG_ENTRY_TOO_LARGE" }),
    );
    expect(() => encodeEntryBundle([])).toThrow(
      expect.objectContaining({ code: "ERR_LOG_TILE_INVALID" }),
    );
  });

  it("round-trips hash tiles and refuses a wrong width", () => {
    const tile = rows.readRange(0, 0, 256);
    expect(hex(encodeHashTile(decodeHashTile(tile, 256)))).toBe(hex(tile));
    expect(() => decodeHashTile(tile, 255)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_TILE_INVALID" }),
    );
  });
});
