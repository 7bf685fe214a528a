import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../src/audit-log/canonical-json.ts";
import vectors from "../vectors/canonical-json.json" with { type: "json" };

describe("RFC 8785 canonical JSON vectors", () => {
  for (const c of vectors.cases) {
    it(`${c.valid ? "serialises" : "refuses"} ${c.description}`, () => {
      const value: unknown = JSON.parse(c.input);
      if (c.valid) expect(canonicalJson(value)).toBe(c.expected);
      else expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: c.error }));
    });
  }
});

describe("canonicalJson refusals", () => {
  const invalid = expect.objectContaining({ code: "ERR_JSON_INVALID" });
  const unsafe = expect.objectContaining({ code: "ERR_NUMBER_UNSAFE" });

  it("refuses non-finite numbers", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(unsafe);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(unsafe);
  });

  it("refuses values JSON cannot hold", () => {
    expect(() => canonicalJson(undefined)).toThrow(invalid);
    expect(() => canonicalJson({ a: undefined })).toThrow(invalid);
    expect(() => canonicalJson([() => 1])).toThrow(invalid);
    expect(() => canonicalJson(10n)).toThrow(invalid);
    expect(() => canonicalJson(new Date(0))).toThrow(invalid);
    expect(() => canonicalJson(new Uint8Array(2))).toThrow(invalid);
  });

  it("refuses nesting deeper than 64 levels instead of overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(invalid);
  });

  it("refuses cyclic structures with a coded error", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(invalid);
  });

  it("accepts objects without a prototype", () => {
    const bare = Object.assign(Object.create(null) as object, { b: 2, a: 1 });
    expect(canonicalJson(bare)).toBe('{"a":1,"b":2}');
  });
});
