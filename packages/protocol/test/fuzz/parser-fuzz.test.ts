import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkParserCase, parserProperty } from "./parser-property.ts";
import { type ParserTarget, parserTargets } from "./parser-targets.ts";

// Issue 13, bad input: every parser of untrusted input fuzzed with mutated valid samples and
// hostile text. Invariant: it returns, or throws a ProtocolError with a code from the closed
// list; never a TypeError, RangeError or other uncoded error. `npm run fuzz` runs far more.
const RUNS_PER_PARSER = Number(process.env.ANTS_PARSER_FUZZ_RUNS ?? 150);

const targets: ParserTarget[] = await parserTargets();

describe("fuzzing the parsers", () => {
  it.each(targets.map((target) => [target.name, target] as const))(
    `%s: ${RUNS_PER_PARSER} hostile inputs answer or throw a coded error`,
    async (_name, target) => {
      await fc.assert(parserProperty(target), { numRuns: RUNS_PER_PARSER, endOnFailure: true });
    },
  );

  it("counts a TypeError as a fault, so the property can fail", async () => {
    const broken: ParserTarget = {
      name: "broken",
      input: fc.constant(""),
      run: () => (undefined as unknown as { x: number }).x,
    };
    await expect(checkParserCase(broken, "")).rejects.toThrow(/uncoded failure TypeError/);
  });
});
