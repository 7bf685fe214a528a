import { describe, expect, it } from "vitest";
import { commandCovers, isCommand, isProtocolError, readCommand } from "../../src/index.ts";
import { loadVectors } from "../support/token-vectors.ts";

interface CommandVectors {
  cases: { description: string; cmd: unknown; valid: boolean; error?: string }[];
  coverage: { description: string; parent: string; child: string; covers: boolean }[];
}

const vectors = loadVectors<CommandVectors>("commands.json");

describe("docs/spec/vectors/commands.json", () => {
  for (const c of vectors.cases) {
    it(`${c.valid ? "accepts" : "refuses"} ${c.description}`, () => {
      expect(isCommand(c.cmd)).toBe(c.valid);
      if (c.valid) {
        expect(readCommand(c.cmd)).toBe(c.cmd);
        return;
      }
      let code: string | undefined;
      try {
        readCommand(c.cmd);
      } catch (error) {
        code = isProtocolError(error) ? error.code : "not a ProtocolError";
      }
      expect(code).toBe(c.error);
    });
  }

  for (const c of vectors.coverage) {
    it(`${c.parent} ${c.covers ? "covers" : "does not cover"} ${c.child}: ${c.description}`, () => {
      expect(commandCovers(c.parent, c.child)).toBe(c.covers);
    });
  }
});
