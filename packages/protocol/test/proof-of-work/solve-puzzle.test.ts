import { describe, expect, it } from "vitest";
import {
  didFromPublicKey,
  generateKeyPair,
  isProtocolError,
  issueChallenge,
  type SolveProgress,
  SUB_PUZZLE_COUNT,
  solvePuzzle,
} from "../../src/index.ts";
import vectors from "../vectors/handles.json" with { type: "json" };

const NOW = 1_800_000_000;
const secret = new Uint8Array(32).fill(5);
const agent = didFromPublicKey(generateKeyPair().publicKey);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isProtocolError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe("solvePuzzle vectors", () => {
  it.each(vectors.challenges)("$description: finds the reference solution", (vector) => {
    // Counting each nonce up from 0 makes the solver's answer deterministic (spec 4.2).
    expect(solvePuzzle(vector.challenge, { now: NOW })).toEqual(vector.solution);
  });
});

describe("solvePuzzle", () => {
  it("reports progress with counts and an estimate, then a final report", () => {
    const challenge = issueChallenge({
      handle: "kevin-smith",
      agent,
      difficulty: 200_000,
      expiresAt: NOW + 900,
      secret,
    });
    const reports: SolveProgress[] = [];
    solvePuzzle(challenge, { now: NOW, progressIntervalMs: 0, onProgress: (p) => reports.push(p) });

    const last = reports.at(-1)!;
    expect(reports.length).toBeGreaterThan(1);
    expect(last).toMatchObject({ phase: "hash", subSolutions: SUB_PUZZLE_COUNT });
    expect(last.estimatedRemainingMs).toBe(0);
    expect(reports[0]!.estimatedRemainingMs).toBeGreaterThan(0);
    expect(reports[0]!.expectedHashes).toBe(200_000);
    const counts = reports.map((p) => p.hashes);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  });

  it("refuses an expired challenge before doing any work", () => {
    const challenge = issueChallenge({
      handle: "kevin",
      agent,
      difficulty: 64,
      expiresAt: NOW,
      secret,
    });
    expect(codeOf(() => solvePuzzle(challenge, { now: NOW }))).toBe("ERR_POW_EXPIRED");
  });

  it("refuses a difficulty above its ceiling with ERR_POW_TOO_HARD", () => {
    const challenge = issueChallenge({
      handle: "kevin",
      agent,
      difficulty: 2 ** 40,
      expiresAt: NOW + 900,
      secret,
    });
    expect(codeOf(() => solvePuzzle(challenge, { now: NOW }))).toBe("ERR_POW_TOO_HARD");
    expect(
      codeOf(() => solvePuzzle({ ...challenge, difficulty: 64 }, { now: NOW, maxDifficulty: 32 })),
    ).toBe("ERR_POW_TOO_HARD");
  });
});
