import { describe, expect, it } from "vitest";
import { decodeBase64url } from "../../src/index.ts";
import {
  checkPuzzleSolution,
  meetsTarget,
  puzzleContext,
  puzzleTarget,
} from "../../src/proof-of-work/puzzle.ts";
import vectors from "../vectors/handles.json" with { type: "json" };

describe("puzzle vectors", () => {
  it.each(vectors.challenges)("$description: context and target", (vector) => {
    expect(puzzleContext(vector.challenge).toString("hex")).toBe(vector.context);
    const target = puzzleTarget(vector.challenge.difficulty);
    const text = target.hi.toString(16).padStart(8, "0") + target.lo.toString(16).padStart(8, "0");
    expect(text).toBe(vector.target);
  });
});

describe("puzzleTarget and meetsTarget", () => {
  const digest = (prefix: number[]) => new Uint8Array([...prefix, ...new Uint8Array(24)]);

  it("lets every hash pass at the minimum difficulty (target 2^64)", () => {
    expect(puzzleTarget(32)).toEqual({ hi: 2 ** 32, lo: 0 });
    expect(meetsTarget(digest([255, 255, 255, 255, 255, 255, 255, 255]), puzzleTarget(32))).toBe(
      true,
    );
  });

  it("compares the 8 leading bytes as one big-endian integer, strictly below", () => {
    const target = { hi: 1, lo: 5 };
    expect(meetsTarget(digest([0, 0, 0, 1, 0, 0, 0, 4]), target)).toBe(true);
    expect(meetsTarget(digest([0, 0, 0, 1, 0, 0, 0, 5]), target)).toBe(false);
    expect(meetsTarget(digest([0, 0, 0, 0, 255, 255, 255, 255]), target)).toBe(true);
    expect(meetsTarget(digest([0, 0, 0, 2, 0, 0, 0, 0]), target)).toBe(false);
  });
});

describe("checkPuzzleSolution", () => {
  const [vector] = vectors.challenges;

  it("returns true for the reference nonces and false for nonces of the wrong length", () => {
    const nonces = decodeBase64url(vector!.solution.nonces);
    expect(checkPuzzleSolution(vector!.challenge, nonces)).toBe(true);
    expect(checkPuzzleSolution(vector!.challenge, nonces.subarray(8))).toBe(false);
    expect(checkPuzzleSolution(vector!.challenge, new Uint8Array(0))).toBe(false);
  });
});
