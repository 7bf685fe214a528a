import fc from "fast-check";
import { isProtocolError, PROTOCOL_ERROR_CODES } from "../../src/index.ts";
import type { ParserTarget } from "./parser-targets.ts";

const KNOWN_CODES: ReadonlySet<string> = new Set(PROTOCOL_ERROR_CODES);

/** Longest a single parser case may take, in ms, before it counts as a hang. */
export const PARSER_CASE_LIMIT_MS = 2_000;

/**
 * Runs one parser on one input and throws unless it returned or threw a ProtocolError with a
 * code from the closed list; a TypeError, RangeError or uncoded error is a fault. A case that
 * takes longer than PARSER_CASE_LIMIT_MS is a fault too (a sync parser cannot be interrupted,
 * so the time is checked when it returns; an async one is abandoned at the limit).
 *
 * @example
 * await checkParserCase(target, "a.b.c");
 */
export async function checkParserCase(target: ParserTarget, input: unknown): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${target.name}: no answer`)), PARSER_CASE_LIMIT_MS);
  });
  try {
    await Promise.race([Promise.resolve().then(() => target.run(input as never)), hang]);
  } catch (error) {
    if (!isProtocolError(error) || !KNOWN_CODES.has(error.code)) {
      const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`${target.name}: uncoded failure ${what}`, { cause: error });
    }
  } finally {
    clearTimeout(timer);
  }
  const elapsed = performance.now() - started;
  if (elapsed > PARSER_CASE_LIMIT_MS) {
    throw new Error(`${target.name}: one case took ${Math.round(elapsed)} ms`);
  }
}

/**
 * The fast-check property for one target.
 *
 * @example
 * await fc.assert(parserProperty(target), { numRuns: 200 });
 */
export function parserProperty(target: ParserTarget) {
  return fc.asyncProperty(target.input as fc.Arbitrary<unknown>, (input) =>
    checkParserCase(target, input),
  );
}
