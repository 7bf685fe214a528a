import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isProtocolError, parseStrictJson } from "../../src/index.ts";

// JSON values whose numbers are safe and whose objects have distinct members: exactly what the
// strict parser must accept, with the same value as JSON.parse.
const safeJson = fc.jsonValue().filter((value) => {
  const text = JSON.stringify(value);
  return !/\d{16,}|e[+]?\d{2,}/i.test(text) && !text.includes("-0");
});

describe("parseStrictJson", () => {
  it("agrees with JSON.parse on valid I-JSON", () => {
    fc.assert(
      fc.property(safeJson, (value) => {
        const text = JSON.stringify(value);
        expect(parseStrictJson(text, { maxDepth: 1000 })).toStrictEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it("never crashes on arbitrary text: it parses or throws a coded error", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        try {
          parseStrictJson(text);
        } catch (error) {
          expect(isProtocolError(error)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a __proto__ member as data without touching the prototype", () => {
    const value = parseStrictJson('{"__proto__":{"admin":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as { admin?: boolean }).admin).toBeUndefined();
    expect(Object.keys(value)).toEqual(["__proto__"]);
  });
});
