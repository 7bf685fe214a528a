import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { consistencyProof, consistencyProofPlan } from "../../src/audit-log/consistency-proof.ts";
import { readHashes, rootAtSize } from "../../src/audit-log/hash-reader.ts";
import { inclusionProof, inclusionProofPlan } from "../../src/audit-log/inclusion-proof.ts";
import { MemoryHashStore } from "../../src/audit-log/memory-hash-store.ts";
import { frontierNodes, MerkleFrontier } from "../../src/audit-log/merkle-frontier.ts";
import { leafHash, nodeHash } from "../../src/audit-log/merkle-hash.ts";
import { verifyConsistency } from "../../src/audit-log/verify-consistency.ts";
import { verifyInclusion } from "../../src/audit-log/verify-inclusion.ts";

const MAX_SIZE = 700;
const leaves = Array.from({ length: MAX_SIZE }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// The RFC 6962 section 2.1 definition, written recursively, as an independent reference.
function referenceRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 1) return hashes[0]!;
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return nodeHash(referenceRoot(hashes.slice(0, k)), referenceRoot(hashes.slice(k)));
}

const store = new MemoryHashStore();
const frontier = new MerkleFrontier();
const roots = [frontier.root()];
for (const leaf of leaves) {
  store.putAll(frontier.append(leaf));
  roots.push(frontier.root());
}

function flipBit(proof: Uint8Array[], at: number, bit: number): Uint8Array[] {
  return proof.map((hash, i) => {
    if (i !== at) return hash;
    const copy = hash.slice();
    copy[bit >> 3]! ^= 1 << (bit & 7);
    return copy;
  });
}

describe("Merkle tree properties", () => {
  it("the frontier root equals the recursive RFC 6962 definition at every size", () => {
    for (const size of [1, 2, 3, 5, 7, 8, 9, 255, 256, 257, 511, 700]) {
      expect(hex(roots[size]!)).toBe(hex(referenceRoot(leaves.slice(0, size))));
      expect(hex(rootAtSize(size, store))).toBe(hex(roots[size]!));
    }
  });

  it("restores a frontier from stored hashes and continues identically", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SIZE - 1 }), (size) => {
        const restored = MerkleFrontier.restore(size, readHashes(frontierNodes(size), store));
        expect(hex(restored.root())).toBe(hex(roots[size]!));
        restored.append(leaves[size]!);
        expect(hex(restored.root())).toBe(hex(roots[size + 1]!));
      }),
    );
  });

  it("append, prove inclusion, verify: every proof verifies and any tampering fails", () => {
    const sizeAndIndex = fc
      .integer({ min: 1, max: MAX_SIZE })
      .chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), ([size, index], pick, bit) => {
        const proof = inclusionProof(index, size, store);
        const input = { index, size, leafHash: leaves[index]!, proof, rootHash: roots[size]! };
        expect(verifyInclusion(input)).toBe(true);
        expect(proof.length).toBe(inclusionProofPlan(index, size).parts.length);
        if (proof.length > 0) {
          const tampered = flipBit(proof, pick % proof.length, bit);
          expect(verifyInclusion({ ...input, proof: tampered })).toBe(false);
          expect(verifyInclusion({ ...input, proof: proof.slice(1) })).toBe(false);
        }
        expect(verifyInclusion({ ...input, proof: [...proof, roots[size]!] })).toBe(false);
        expect(verifyInclusion({ ...input, index: (index + 1) % (size + 1) })).toBe(false);
        expect(verifyInclusion({ ...input, rootHash: roots[size - 1]! })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("append, prove consistency, verify: every proof verifies and any tampering fails", () => {
    const sizes = fc
      .integer({ min: 1, max: MAX_SIZE })
      .chain((to) => fc.tuple(fc.integer({ min: 1, max: to }), fc.constant(to)));
    fc.assert(
      fc.property(sizes, fc.nat(), fc.nat(255), ([from, to], pick, bit) => {
        const proof = consistencyProof(from, to, store);
        const input = {
          fromSize: from,
          toSize: to,
          fromRoot: roots[from]!,
          toRoot: roots[to]!,
          proof,
        };
        expect(verifyConsistency(input)).toBe(true);
        expect(proof.length).toBe(consistencyProofPlan(from, to).parts.length);
        if (from === to) return;
        const tampered = flipBit(proof, pick % proof.length, bit);
        expect(verifyConsistency({ ...input, proof: tampered })).toBe(false);
        expect(verifyConsistency({ ...input, proof: proof.slice(0, -1) })).toBe(false);
        expect(verifyConsistency({ ...input, fromRoot: roots[from - 1]! })).toBe(false);
        expect(verifyConsistency({ ...input, toRoot: roots[to - 1]! })).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same proofs with a right-edge range cache, across tree sizes", () => {
    const rangeCache = new Map<string, Uint8Array>();
    for (const size of [700, 699, 513, 700]) {
      for (const index of [0, 1, 300, 511, size - 1]) {
        expect(inclusionProof(index, size, store, { rangeCache }).map(hex)).toEqual(
          inclusionProof(index, size, store).map(hex),
        );
      }
      expect(consistencyProof(5, size, store, { rangeCache }).map(hex)).toEqual(
        consistencyProof(5, size, store).map(hex),
      );
    }
    expect(rangeCache.size).toBeGreaterThan(0);
  });

  it("refuses to plan proofs outside the tree with ERR_LOG_INDEX_OUT_OF_RANGE", () => {
    const outOfRange = expect.objectContaining({ code: "ERR_LOG_INDEX_OUT_OF_RANGE" });
    expect(() => inclusionProofPlan(5, 5)).toThrow(outOfRange);
    expect(() => inclusionProofPlan(0, 0)).toThrow(outOfRange);
    expect(() => inclusionProofPlan(-1, 5)).toThrow(outOfRange);
    expect(() => inclusionProofPlan(1.5, 5)).toThrow(outOfRange);
    expect(() => consistencyProofPlan(6, 5)).toThrow(outOfRange);
    expect(() => consistencyProofPlan(0, 2 ** 60)).toThrow(outOfRange);
  });

  it("reports a hash the store does not hold with ERR_LOG_HASH_MISSING", () => {
    expect(() => inclusionProof(0, MAX_SIZE + 1, store)).toThrow(
      expect.objectContaining({ code: "ERR_LOG_HASH_MISSING" }),
    );
  });

  it("refuses a leaf hash that is not 32 bytes", () => {
    expect(() => new MerkleFrontier().append(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: "ERR_MALFORMED" }),
    );
  });

  it("plans proofs for trees near 2^53 without rounding", () => {
    const size = Number.MAX_SAFE_INTEGER;
    // 2^53 - 1 leaves: the last leaf's siblings are the full subtrees of 2^52, 2^51, ..., 2 leaves.
    const plan = inclusionProofPlan(size - 1, size);
    expect(plan.parts.length).toBe(52);
    expect(plan.parts.at(-1)).toEqual([{ level: 52, index: 0 }]);
    expect(plan.parts[0]).toEqual([{ level: 1, index: (size - 3) / 2 }]);
    expect(consistencyProofPlan(size - 2, size).parts.length).toBeGreaterThan(0);
  });
});
