import { describe, expect, it } from "vitest";
import { consistencyProof } from "../../src/audit-log/consistency-proof.ts";
import { inclusionProof } from "../../src/audit-log/inclusion-proof.ts";
import { MemoryHashStore } from "../../src/audit-log/memory-hash-store.ts";
import { MerkleFrontier } from "../../src/audit-log/merkle-frontier.ts";
import { emptyRootHash, leafHash, nodeHash } from "../../src/audit-log/merkle-hash.ts";
import { rootHash } from "../../src/audit-log/root-hash.ts";
import { assertConsistency, verifyConsistency } from "../../src/audit-log/verify-consistency.ts";
import { assertInclusion, verifyInclusion } from "../../src/audit-log/verify-inclusion.ts";
import vectors from "../vectors/merkle-rfc6962.json" with { type: "json" };

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

const leafHashes = vectors.leaves.map((leaf) => leafHash(bytes(leaf)));

function buildStore(size: number): MemoryHashStore {
  const store = new MemoryHashStore();
  const frontier = new MerkleFrontier();
  for (const leaf of leafHashes.slice(0, size)) store.putAll(frontier.append(leaf));
  return store;
}

describe("RFC 6962 hasher vectors", () => {
  for (const c of vectors.hasher) {
    it(c.description, () => {
      const got =
        c.operation === "emptyRoot"
          ? emptyRootHash()
          : c.operation === "leaf"
            ? leafHash(bytes(c.data!))
            : nodeHash(bytes(c.left!), bytes(c.right!));
      expect(hex(got)).toBe(c.expected);
    });
  }
});

describe("roots of the eight-leaf input", () => {
  for (const { size, root } of vectors.roots) {
    it(`size ${size}`, () => {
      expect(hex(rootHash(leafHashes.slice(0, size)))).toBe(root);
    });
  }

  it("stores every full subtree hash the reference lists", () => {
    const store = buildStore(8);
    vectors.nodeHashes.forEach((level, l) => {
      level.forEach((hash, i) => {
        expect(hex(store.readHash(l, i))).toBe(hash);
      });
    });
  });
});

describe("inclusion vectors", () => {
  for (const c of vectors.inclusion) {
    const input = {
      index: c.index,
      size: c.size,
      leafHash: bytes(c.leafHash),
      proof: c.proof.map(bytes),
      rootHash: bytes(c.rootHash),
    };
    it(`${c.valid ? "accepts" : "rejects"} ${c.description}`, () => {
      expect(verifyInclusion(input)).toBe(c.valid);
      if (c.valid) {
        expect(inclusionProof(c.index, c.size, buildStore(c.size)).map(hex)).toEqual(c.proof);
      } else {
        expect(() => assertInclusion(input)).toThrow(expect.objectContaining({ code: c.error }));
      }
    });
  }
});

describe("consistency vectors", () => {
  for (const c of vectors.consistency) {
    const input = {
      fromSize: c.fromSize,
      toSize: c.toSize,
      fromRoot: bytes(c.fromRoot),
      toRoot: bytes(c.toRoot),
      proof: c.proof.map(bytes),
    };
    it(`${c.valid ? "accepts" : "rejects"} ${c.description}`, () => {
      expect(verifyConsistency(input)).toBe(c.valid);
      if (c.valid) {
        const store = buildStore(c.toSize);
        expect(consistencyProof(c.fromSize, c.toSize, store).map(hex)).toEqual(c.proof);
      } else {
        expect(() => assertConsistency(input)).toThrow(expect.objectContaining({ code: c.error }));
      }
    });
  }
});
