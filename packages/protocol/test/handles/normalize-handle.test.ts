import { describe, expect, it } from "vitest";
import { HANDLE_MAX_LENGTH, isProtocolError, normalizeHandle } from "../../src/index.ts";
import vectors from "../vectors/handles.json" with { type: "json" };

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe("normalizeHandle vectors", () => {
  it.each(vectors.handles)("$description", (vector) => {
    if (vector.valid) {
      expect(normalizeHandle(vector.input)).toBe(vector.name);
    } else {
      expect(codeOf(() => normalizeHandle(vector.input))).toBe(vector.error);
    }
  });
});

describe("normalizeHandle", () => {
  it("names a look-alike letter by code point and index, not by echoing the input", () => {
    try {
      normalizeHandle("k\u0435vin");
      expect.unreachable("a Cyrillic e must be refused");
    } catch (error) {
      expect(isProtocolError(error, "ERR_HANDLE_INVALID")).toBe(true);
      expect((error as Error).message).toBe(
        "handle: character U+0435 at index 1 is not a-z, 0-9 or -",
      );
      expect((error as { details: unknown }).details).toEqual({
        reason: "character",
        codePoint: "U+0435",
        index: 1,
      });
    }
  });

  it("refuses a value that is not a string with ERR_HANDLE_INVALID", () => {
    for (const value of [undefined, null, 42, {}, ["kevin"]]) {
      expect(codeOf(() => normalizeHandle(value as unknown as string))).toBe("ERR_HANDLE_INVALID");
    }
  });

  it("is idempotent: a canonical handle normalises to itself", () => {
    for (const vector of vectors.handles.filter((v) => v.valid)) {
      const name = normalizeHandle(vector.input);
      expect(normalizeHandle(name)).toBe(name);
    }
  });

  it("refuses 32 fullwidth letters plus one, but accepts 32", () => {
    const fullwidthA = "\uff41";
    expect(normalizeHandle(fullwidthA.repeat(HANDLE_MAX_LENGTH))).toBe("a".repeat(32));
    expect(codeOf(() => normalizeHandle(fullwidthA.repeat(HANDLE_MAX_LENGTH + 1)))).toBe(
      "ERR_HANDLE_INVALID",
    );
  });

  it("refuses every zero-width and bidirectional control character", () => {
    const invisible = [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202e, 0x2060, 0x2066];
    for (const codePoint of invisible) {
      const input = `kev${String.fromCodePoint(codePoint)}in`;
      expect(codeOf(() => normalizeHandle(input))).toBe("ERR_HANDLE_INVALID");
    }
  });
});
