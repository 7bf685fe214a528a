import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RevokedIdTable } from "../../src/revocation/revoked-id-table.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const id = (seed: string) => createHash("sha256").update(seed).digest("base64url");

describe("RevokedIdTable", () => {
  it("finds every id it holds, with its sequence number, across growth", () => {
    const table = new RevokedIdTable(16);
    const ids = Array.from({ length: 20_000 }, (_, i) => id(`t${i}`));
    for (const [i, value] of ids.entries()) table.set(value, i + 1);
    expect(table.size).toBe(ids.length);
    expect(ids.every((value, i) => table.get(value) === i + 1)).toBe(true);
    expect(new Map(table.entries()).get(ids[123]!)).toBe(124);
  });

  it("answers 0 for ids it does not hold, including ones sharing the first 48 bits", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const table = new RevokedIdTable();
        const held = Buffer.from(bytes);
        table.set(held.toString("base64url"), 7);
        const near = Buffer.from(held);
        near[31] = near[31]! ^ 1;
        expect(table.get(near.toString("base64url"))).toBe(0);
        expect(table.get(held.toString("base64url"))).toBe(7);
      }),
    );
  });

  it("replaces the sequence number of an id set twice without growing", () => {
    const table = new RevokedIdTable();
    table.set(id("a"), 1);
    table.set(id("a"), 9);
    expect(table.size).toBe(1);
    expect(table.get(id("a"))).toBe(9);
  });

  it("refuses ids that are not canonical 32-byte base64url, and never finds them", () => {
    const table = new RevokedIdTable();
    const canonical = id("x");
    // The last character carries 2 unused bits; a variant decodes to the same 32 bytes.
    const variant = canonical.slice(0, -1) + ALPHABET[ALPHABET.indexOf(canonical.at(-1)!) ^ 1];
    for (const bad of [variant, "short", `${canonical}A`, `${canonical.slice(0, -1)}=`]) {
      expect(RevokedIdTable.accepts(bad)).toBe(false);
      expect(() => table.set(bad, 1)).toThrow(RangeError);
      expect(table.get(bad)).toBe(0);
    }
  });
});
