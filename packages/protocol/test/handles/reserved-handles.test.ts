import { describe, expect, it } from "vitest";
import {
  DEFAULT_RESERVED_HANDLES,
  isProtocolError,
  reservedHandleSet,
  validateHandle,
} from "../../src/index.ts";
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

describe("validateHandle vectors (configured lists)", () => {
  it.each(vectors.reserved)("$description", (vector) => {
    const reserved = reservedHandleSet(vector.reserved);
    if (vector.valid) {
      expect(validateHandle(vector.input, { reserved })).toBe(vector.name);
    } else {
      expect(codeOf(() => validateHandle(vector.input, { reserved }))).toBe(vector.error);
    }
  });
});

describe("the default reserved list", () => {
  it("refuses roles people trust on sight in any case or width", () => {
    for (const input of [
      "admin",
      "ROOT",
      "Support",
      "\uff53\uff45\uff43\uff55\uff52\uff49\uff54\uff59",
    ]) {
      expect(codeOf(() => validateHandle(input))).toBe("ERR_HANDLE_RESERVED");
    }
  });

  it("accepts an ordinary name", () => {
    expect(validateHandle("Kevin")).toBe("kevin");
  });

  it("holds only canonical handles, so every entry can actually match", () => {
    expect(reservedHandleSet(DEFAULT_RESERVED_HANDLES)).toEqual(DEFAULT_RESERVED_HANDLES);
  });
});

describe("reservedHandleSet", () => {
  it("refuses a configured entry that is not a handle, so a typo fails at start-up", () => {
    expect(codeOf(() => reservedHandleSet(["admin", "ad min"]))).toBe("ERR_HANDLE_INVALID");
  });
});
