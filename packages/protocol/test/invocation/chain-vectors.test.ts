import { describe, expect, it } from "vitest";
import { isProtocolError, LinkCache, verifyChain } from "../../src/index.ts";
import { type ChainVectorFile, chainOptions, loadVectors } from "../support/token-vectors.ts";

const file = loadVectors<ChainVectorFile>("chains.json");

function outcome(run: () => unknown): string {
  try {
    run();
    return "valid";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("docs/spec/vectors/chains.json", () => {
  it("holds must-pass and must-fail cases", () => {
    expect(file.cases.filter((c) => c.valid).length).toBeGreaterThanOrEqual(4);
    expect(file.cases.filter((c) => !c.valid).length).toBeGreaterThanOrEqual(60);
  });

  for (const c of file.cases) {
    it(`${c.valid ? "accepts" : `refuses with ${c.error}`}: ${c.description}`, () => {
      const options = chainOptions(file, c);
      if (!c.valid) {
        expect(outcome(() => verifyChain(options))).toBe(c.error);
        return;
      }
      const result = verifyChain(options);
      for (const [name, value] of Object.entries(c.expect ?? {})) {
        expect(result[name as keyof typeof result], name).toEqual(value);
      }
    });
  }

  it("gives every case the same outcome with a warm link cache", () => {
    const cache = new LinkCache({ capacity: 1000 });
    for (const c of file.cases) {
      const options = { ...chainOptions(file, c), cache };
      const cold = outcome(() => verifyChain(options));
      expect(
        outcome(() => verifyChain(options)),
        c.description,
      ).toBe(cold);
    }
  });
});
