import { describe, expect, it } from "vitest";
import {
  didFromPublicKey,
  generateKeyPair,
  issueChallenge,
  solvePuzzle,
  verifySolution,
} from "../../src/index.ts";
import vectors from "../vectors/handles.json" with { type: "json" };

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const NOW = 1_800_000_000;

describe("verifySolution vectors", () => {
  it.each(vectors.verifications)("$description", async (vector) => {
    const result = verifySolution({
      challenge: vector.challenge,
      solution: vector.solution,
      handle: vector.handle,
      agent: vector.agent,
      secret: hex(vector.secret),
      now: vector.now,
    });
    if (vector.valid) {
      await expect(result).resolves.toEqual(vector.challenge);
    } else {
      await expect(result).rejects.toMatchObject({ name: "ProtocolError", code: vector.error });
    }
  });
});

describe("solve then verify", () => {
  const secret = new Uint8Array(32).fill(3);
  const agent = didFromPublicKey(generateKeyPair().publicKey);
  const other = didFromPublicKey(generateKeyPair().publicKey);
  const issue = (handle: string, difficulty = 2048) =>
    issueChallenge({ handle, agent, difficulty, expiresAt: NOW + 900, secret });

  it("round-trips a long handle at low difficulty", async () => {
    const challenge = issue("kevin-smith");
    const solution = solvePuzzle(challenge, { now: NOW });
    expect(solution.memo).toBeUndefined();
    await expect(
      verifySolution({ challenge, solution, handle: "KEVIN-SMITH", agent, secret, now: NOW }),
    ).resolves.toEqual(challenge);
  });

  it("round-trips a short handle through the memory-hard step", async () => {
    const challenge = issue("bob", 256);
    const solution = solvePuzzle(challenge, { now: NOW });
    expect(solution.memo).toHaveLength(43);
    await expect(
      verifySolution({ challenge, solution, handle: "bob", agent, secret, now: NOW }),
    ).resolves.toEqual(challenge);
  });

  it("refuses a solution for another handle or agent with ERR_POW_INVALID", async () => {
    const challenge = issue("kevin-smith");
    const solution = solvePuzzle(challenge, { now: NOW });
    const otherChallenge = issue("alice-smith");
    const attempts = [
      { challenge, solution, handle: "alice-smith", agent },
      { challenge, solution, handle: "kevin-smith", agent: other },
      { challenge: otherChallenge, solution, handle: "alice-smith", agent },
      {
        challenge: { ...challenge, handle: "alice-smith" },
        solution,
        handle: "alice-smith",
        agent,
      },
    ];
    for (const attempt of attempts) {
      await expect(verifySolution({ ...attempt, secret, now: NOW })).rejects.toMatchObject({
        code: "ERR_POW_INVALID",
      });
    }
  });

  it("refuses an expired challenge with ERR_POW_EXPIRED", async () => {
    const challenge = issue("kevin-smith");
    const solution = solvePuzzle(challenge, { now: NOW });
    await expect(
      verifySolution({ challenge, solution, handle: "kevin-smith", agent, secret, now: NOW + 900 }),
    ).rejects.toMatchObject({ code: "ERR_POW_EXPIRED" });
  });

  it("refuses a solution presented with a wrong difficulty with ERR_POW_INVALID", async () => {
    const easy = issue("kevin-smith", 64);
    const solution = solvePuzzle(easy, { now: NOW });
    await expect(
      verifySolution({
        challenge: { ...easy, difficulty: 2 ** 20 },
        solution,
        handle: "kevin-smith",
        agent,
        secret,
        now: NOW,
      }),
    ).rejects.toMatchObject({ code: "ERR_POW_INVALID" });
  });

  it("refuses a solution that is not an object with ERR_MALFORMED", async () => {
    const challenge = issue("kevin-smith");
    for (const solution of [null, "nonces", [], { nonces: 5 }]) {
      await expect(
        verifySolution({ challenge, solution, handle: "kevin-smith", agent, secret, now: NOW }),
      ).rejects.toMatchObject({ code: "ERR_MALFORMED" });
    }
  });
});
