import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { handleVectorFileText } from "../../../../scripts/generate-handle-statement-vectors.ts";
import {
  decodeBase64url,
  parseHandleStatement,
  verifyHandleBinding,
  verifyHandleStatement,
} from "../../src/index.ts";

const FILE = new URL("../../../../docs/spec/vectors/handle-statements.json", import.meta.url);
const text = readFileSync(FILE, "utf8");
const vectors = JSON.parse(text);

interface StatementCase {
  description: string;
  token: string;
  expected: { act: "claim"; handle: string; method: string; url: string };
  valid: boolean;
  error?: string;
}

interface BindingCase {
  description: string;
  token: string;
  expected: { handle: string; origin: string; now: number };
  valid: boolean;
  error?: string;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? "uncoded";
  }
}

describe("handle statement vectors (docs/spec/handles.md 8.2)", () => {
  const sessionKey = decodeBase64url(vectors.sessionKey, "sessionKey");
  for (const vector of vectors.statements as StatementCase[]) {
    it(`${vector.valid ? "accepts" : "refuses"} ${vector.description}`, () => {
      const verify = () =>
        verifyHandleStatement(parseHandleStatement(vector.token), {
          sessionKey,
          agent: vectors.agent,
          relay: vectors.relay,
          now: vectors.now,
          ...vector.expected,
        });
      expect(codeOf(verify)).toBe(vector.error);
      if (vector.valid) expect(verify().act).toBe(vector.expected.act);
    });
  }
});

describe("handle binding vectors (docs/spec/handles.md 8.3)", () => {
  const relayKey = decodeBase64url(vectors.relayKey, "relayKey");
  for (const vector of vectors.bindings as BindingCase[]) {
    it(`${vector.valid ? "accepts" : "refuses"} ${vector.description}`, () => {
      const verify = () => verifyHandleBinding(vector.token, { relayKey, ...vector.expected });
      expect(codeOf(verify)).toBe(vector.error);
      if (vector.valid) expect(verify().sub).toBe(vectors.agent);
    });
  }
});

describe("scripts/generate-handle-statement-vectors.ts", () => {
  it("regenerates the committed vectors byte for byte", () => {
    expect(handleVectorFileText() === text).toBe(true);
  });
});
