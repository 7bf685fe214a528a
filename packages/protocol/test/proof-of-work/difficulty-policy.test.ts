import { describe, expect, it } from "vitest";
import {
  DEFAULT_BASE_DIFFICULTY,
  handleDifficulty,
  isProtocolError,
  MAX_DIFFICULTY,
} from "../../src/index.ts";

describe("handleDifficulty", () => {
  it("charges the base for handles of 7 or more characters in a quiet period", () => {
    expect(handleDifficulty({ handle: "kevin-smith" })).toEqual({
      difficulty: DEFAULT_BASE_DIFFICULTY,
      lengthFactor: 1,
      rateFactor: 1,
      memoryHard: false,
    });
  });

  it("doubles the work for each character under 7 and adds scrypt under 6", () => {
    const base = 1000;
    const byLength = ["abcdefg", "abcdef", "abcde", "abcd", "abc"].map((handle) =>
      handleDifficulty({ handle, baseDifficulty: base }),
    );
    expect(byLength.map((d) => d.difficulty)).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(byLength.map((d) => d.memoryHard)).toEqual([false, false, true, true, true]);
  });

  it("grows in proportion to registrations above the baseline, up to the cap", () => {
    const at = (recentRegistrations: number) =>
      handleDifficulty({ handle: "kevin-smith", baseDifficulty: 1000, recentRegistrations })
        .difficulty;
    expect([0, 60, 120, 600, 60_000].map(at)).toEqual([1000, 1000, 2000, 10_000, 64_000]);
  });

  it("treats a missing or non-finite count as quiet rather than free", () => {
    const result = handleDifficulty({ handle: "kevin-smith", recentRegistrations: Number.NaN });
    expect(result.difficulty).toBe(DEFAULT_BASE_DIFFICULTY);
  });

  it("clamps to the protocol maximum", () => {
    const result = handleDifficulty({
      handle: "abc",
      baseDifficulty: 2 ** 38,
      recentRegistrations: 10_000,
    });
    expect(result.difficulty).toBe(MAX_DIFFICULTY);
  });

  it("normalises the handle and refuses an invalid one", () => {
    expect(handleDifficulty({ handle: "ＫＥＶＩＮ-SMITH" }).lengthFactor).toBe(1);
    try {
      handleDifficulty({ handle: "k\u0435vin" });
      expect.unreachable("a homoglyph must be refused");
    } catch (error) {
      expect(isProtocolError(error, "ERR_HANDLE_INVALID")).toBe(true);
    }
  });
});
