/**
 * Audit log proof generation at one million entries, next to raw SHA-256 as the reference.
 *
 *   node --import tsx bench/audit-proof.ts [--size 1000000] [--proofs 20000] [--json]
 *
 * Proofs are generated the way the relay does: from stored full-subtree hashes, never by
 * rehashing leaves. Two stores are measured: every tree level in memory, and only the C2SP tile
 * rows (levels 0, 8, 16) read through the tile hash reader, warm (tile cache kept) and cold
 * (fresh cache per proof, so every touched tile is rebuilt).
 */
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import {
  consistencyProof,
  createTileHashReader,
  type HashReader,
  inclusionProof,
  leafHash,
  MemoryHashStore,
  MerkleFrontier,
  nodeHash,
  type TileId,
  verifyInclusion,
} from "@ants/protocol";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: "1000000" },
    proofs: { type: "string", default: "20000" },
    json: { type: "boolean", default: false },
  },
});
const SIZE = Number(values.size);
const PROOFS = Number(values.proofs);

function microseconds(samples: number[]): { mean: number; p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = samples.reduce((sum, s) => sum + s, 0) / samples.length;
  return { mean: mean * 1000, p50: at(0.5) * 1000, p99: at(0.99) * 1000 };
}

function timeEach(count: number, run: (i: number) => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

// Deterministic pseudo-random indexes, so runs are comparable.
function indexes(count: number, seed = 42): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % SIZE;
  });
}

function measureSha256(): { nodeHashesPerSecond: number; megabytesPerSecond: number } {
  const left = leafHash(Buffer.from("left"));
  const right = leafHash(Buffer.from("right"));
  const count = 500_000;
  const start = performance.now();
  for (let i = 0; i < count; i++) nodeHash(left, right);
  const nodeSeconds = (performance.now() - start) / 1000;
  const block = Buffer.alloc(64 * 1024 * 1024, 7);
  const bulkStart = performance.now();
  createHash("sha256").update(block).digest();
  const bulkSeconds = (performance.now() - bulkStart) / 1000;
  return { nodeHashesPerSecond: count / nodeSeconds, megabytesPerSecond: 64 / bulkSeconds };
}

function buildTree() {
  const all = new MemoryHashStore();
  const rows = new MemoryHashStore({ keepLevel: (level) => level % 8 === 0 });
  const frontier = new MerkleFrontier();
  const leaves: Uint8Array[] = [];
  const start = performance.now();
  for (let i = 0; i < SIZE; i++) {
    const leaf = leafHash(Buffer.from(`{"entry":${i}}`));
    leaves.push(leaf);
    const nodes = frontier.append(leaf);
    all.putAll(nodes);
    rows.putAll(nodes);
  }
  const seconds = (performance.now() - start) / 1000;
  return { all, rows, frontier, leaves, appendPerSecond: SIZE / seconds };
}

function tileSource(rows: MemoryHashStore) {
  return {
    readTile: (tile: TileId) =>
      rows.readRange(tile.level * 8, tile.index * 256, tile.index * 256 + tile.width),
  };
}

const sha = measureSha256();
const { all, rows, frontier, leaves, appendPerSecond } = buildTree();
const root = frontier.root();
const picks = indexes(PROOFS);
const warmReader = createTileHashReader({ treeSize: SIZE, source: tileSource(rows) });

function proofRun(reader: () => HashReader) {
  return microseconds(timeEach(PROOFS, (i) => inclusionProof(picks[i]!, SIZE, reader())));
}

const memory = proofRun(() => all);
// The relay keeps right-edge hashes across proofs: they are the same for every proof at a size.
const rangeCache = new Map<string, Uint8Array>();
const memoryCached = microseconds(
  timeEach(PROOFS, (i) => inclusionProof(picks[i]!, SIZE, all, { rangeCache })),
);
const tilesWarm = proofRun(() => warmReader);
const tilesCold = microseconds(
  timeEach(Math.min(PROOFS, 2000), (i) =>
    inclusionProof(
      picks[i]!,
      SIZE,
      createTileHashReader({ treeSize: SIZE, source: tileSource(rows) }),
    ),
  ),
);
const consistency = microseconds(
  timeEach(PROOFS, (i) => consistencyProof(Math.max(1, picks[i]!), SIZE, all)),
);
const verify = microseconds(
  timeEach(PROOFS, (i) => {
    const index = picks[i]!;
    const proof = inclusionProof(index, SIZE, all);
    if (!verifyInclusion({ index, size: SIZE, leafHash: leaves[index]!, proof, rootHash: root })) {
      throw new Error(`proof for ${index} did not verify`);
    }
  }),
);

const bytesPerEntryRows = ((rows.count(0) + rows.count(8) + rows.count(16)) * 32) / SIZE;
const result = {
  size: SIZE,
  proofs: PROOFS,
  sha256: sha,
  appendLeavesPerSecond: Math.round(appendPerSecond),
  inclusionProofMicroseconds: {
    memoryAllLevels: memory,
    tileRowsWarm: tilesWarm,
    tileRowsCold: tilesCold,
  },
  consistencyProofMicroseconds: consistency,
  proveAndVerifyMicroseconds: verify,
  tileRowBytesPerEntry: bytesPerEntryRows,
  target: "inclusion proof generation under 100 us at 10^6 entries",
};

if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const row = (name: string, t: { mean: number; p50: number; p99: number }) =>
    `  ${name.padEnd(38)} mean ${t.mean.toFixed(1).padStart(7)} us   p50 ${t.p50.toFixed(1).padStart(7)} us   p99 ${t.p99.toFixed(1).padStart(7)} us`;
  console.log(`audit log proofs at ${SIZE.toLocaleString("en")} entries (${PROOFS} random proofs)`);
  console.log(
    `  raw SHA-256: ${Math.round(sha.nodeHashesPerSecond).toLocaleString("en")} node hashes/s (65 B), ${sha.megabytesPerSecond.toFixed(0)} MB/s bulk`,
  );
  console.log(
    `  frontier append: ${result.appendLeavesPerSecond.toLocaleString("en")} leaves/s (incl. storing nodes)`,
  );
  console.log(row("inclusion, all levels in memory", memory));
  console.log(row("inclusion, all levels + right-edge cache", memoryCached));
  console.log(row("inclusion, tile rows, 1024-tile cache", tilesWarm));
  console.log(row("inclusion, tile rows, empty tile cache", tilesCold));
  console.log(row("consistency (random -> size), all levels", consistency));
  console.log(row("inclusion generate + verify", verify));
  console.log(`  tile-row storage: ${bytesPerEntryRows.toFixed(2)} bytes of hashes per entry`);
  console.log(
    `  target: < 100 us per inclusion proof -> ${memory.mean < 100 ? "met" : "missed"} (mean, all levels)`,
  );
}
