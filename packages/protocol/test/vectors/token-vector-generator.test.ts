import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  generateTokenVectors,
  vectorFileText,
} from "../../../../scripts/generate-token-vectors.ts";

describe("scripts/generate-token-vectors.ts", () => {
  it("regenerates the committed vectors byte for byte", () => {
    for (const [name, value] of Object.entries(generateTokenVectors())) {
      const committed = readFileSync(
        new URL(`../../../../docs/spec/vectors/${name}`, import.meta.url),
        "utf8",
      );
      expect(vectorFileText(value) === committed, name).toBe(true);
    }
  });
});
