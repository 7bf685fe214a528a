import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatHandleRef, isProtocolError, parseHandleRef } from "../../src/index.ts";
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

describe("parseHandleRef vectors", () => {
  it.each(vectors.refs)("$description", (vector) => {
    if (vector.valid) {
      expect(parseHandleRef(vector.input)).toEqual({
        name: vector.name,
        relay: vector.relay ?? undefined,
      });
    } else {
      expect(codeOf(() => parseHandleRef(vector.input))).toBe(vector.error);
    }
  });
});

describe("parseHandleRef", () => {
  const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
  const name = fc
    .stringMatching(/^[a-z0-9]{1,10}(?:-[a-z0-9]{1,10}){0,2}$/)
    .filter((text) => text.length >= 3 && text.length <= 32);
  const host = fc
    .tuple(
      fc.array(label, { minLength: 1, maxLength: 4 }),
      fc.option(fc.integer({ min: 1, max: 65_535 })),
    )
    .map(([labels, port]) => labels.join(".") + (port === null ? "" : `:${port}`));

  it("round-trips the canonical full form", () => {
    fc.assert(
      fc.property(name, fc.option(host, { nil: undefined }), (n, relay) => {
        const ref = { name: n, relay };
        expect(parseHandleRef(formatHandleRef(ref))).toEqual(ref);
      }),
    );
  });

  it("never throws anything but a coded error on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 60 }), (input) => {
        try {
          parseHandleRef(input);
        } catch (error) {
          expect(isProtocolError(error)).toBe(true);
        }
      }),
    );
  });

  it("refuses input beyond its bound before normalising it", () => {
    expect(codeOf(() => parseHandleRef(`@kevin@${"a.".repeat(300)}example`))).toBe(
      "ERR_HANDLE_INVALID",
    );
  });
});
