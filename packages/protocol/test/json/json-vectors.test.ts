import { describe, expect, it } from "vitest";
import { isProtocolError, parseStrictJsonBytes } from "../../src/index.ts";
import { loadVectors } from "../support/token-vectors.ts";

interface JsonVector {
  description: string;
  text?: string;
  hex?: string;
  valid: boolean;
  value?: unknown;
  error?: string;
}

const { cases } = loadVectors<{ cases: JsonVector[] }>("json.json");

function bytesOf(c: JsonVector): Uint8Array {
  return c.hex === undefined ? new TextEncoder().encode(c.text) : Buffer.from(c.hex, "hex");
}

describe("docs/spec/vectors/json.json", () => {
  for (const c of cases) {
    it(`${c.valid ? "parses" : `refuses with ${c.error}`}: ${c.description}`, () => {
      if (c.valid) {
        expect(parseStrictJsonBytes(bytesOf(c))).toStrictEqual(c.value);
        return;
      }
      let code: string | undefined;
      try {
        parseStrictJsonBytes(bytesOf(c));
      } catch (error) {
        code = isProtocolError(error) ? error.code : "not a ProtocolError";
      }
      expect(code).toBe(c.error);
    });
  }
});
