import { describe, expect, it } from "vitest";
import { evaluatePolicy, isProtocolError, type JsonValue } from "../../src/index.ts";
import { loadVectors } from "../support/token-vectors.ts";

interface PolicyVector {
  description: string;
  policy: unknown;
  args: JsonValue;
  valid: boolean;
  error?: string;
}

const { cases } = loadVectors<{ cases: PolicyVector[] }>("policies.json");

// A false policy is reported as ERR_POLICY_FAILED, as verifyChain does.
function outcome(c: PolicyVector): string {
  try {
    return evaluatePolicy(c.policy, c.args) ? "valid" : "ERR_POLICY_FAILED";
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
}

describe("docs/spec/vectors/policies.json", () => {
  for (const c of cases) {
    it(`${c.valid ? "holds" : c.error}: ${c.description}`, () => {
      expect(outcome(c)).toBe(c.valid ? "valid" : c.error);
    });
  }
});
