import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keystorePath } from "@ants/client";
import { decryptSeed, encryptSeed, type HandleChallenge } from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claim, requestChallenge, sendClaim, solve } from "../helpers/handle-agent.ts";
import type { TestAgent } from "../helpers/test-agent.ts";
import { startTestRelay } from "../helpers/test-relay.ts";
import { type AttackWorld, startAttackWorld } from "./attack-world.ts";

// Issue 13, attack suite: a replayed proof-of-work solution and a look-alike handle, a keystore
// asking for an absurd scrypt work factor, and names that try to leave the agent's home.
let world: AttackWorld;
let kevin: TestAgent;
beforeAll(async () => {
  world = await startAttackWorld({
    handles: { insecureFixedDifficultyForTests: 64, challengeLifetimeSeconds: 60 },
  });
  kevin = await world.agent();
});
afterAll(async () => {
  await world.close();
});

async function codeOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    () => "accepted",
    (error: { code?: unknown }) => error.code,
  );
}

describe("handles", () => {
  it("refuses a replayed proof-of-work solution with ERR_POW_REPLAYED", async () => {
    const issued = await requestChallenge(kevin, "replay-me");
    const challenge = issued.body.challenge as HandleChallenge;
    const solution = solve(kevin, challenge);
    expect((await sendClaim(kevin, "replay-me", challenge, solution)).status).toBe(201);
    const again = await sendClaim(kevin, "replay-me", challenge, solution);
    expect(again.body.code).toBe("ERR_POW_REPLAYED");
  });

  it("refuses a look-alike of a held handle (Cyrillic e) with ERR_HANDLE_INVALID", async () => {
    expect((await claim(kevin, "kevin")).status).toBe(201);
    const mallory = await world.agent();
    const answer = await requestChallenge(mallory, "k\u0435vin");
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_HANDLE_INVALID");
  });
});

describe("names that look like paths", () => {
  it.each(["../kevin", "a/b", "..", "kevin%2F..", "C:\\x"])(
    "refuses the handle %j with ERR_HANDLE_INVALID (handles never reach a file, and never look like paths)",
    async (name) => {
      const answer = await requestChallenge(kevin, name);
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe("ERR_HANDLE_INVALID");
    },
  );
});

describe("keystores", () => {
  it("refuses a keystore asking for scrypt 2^40 with ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH, before any work", async () => {
    const file = await encryptSeed(new Uint8Array(32).fill(3), "pw", {
      insecureWorkFactorLog2ForTests: 10,
    });
    const absurd = Buffer.from(
      Buffer.from(file)
        .toString("latin1")
        .replace(/(-> scrypt \S+) 10\n/, "$1 40\n"),
      "latin1",
    );
    expect(await codeOf(decryptSeed(absurd, "pw"))).toBe("ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH");
  });

  it("refuses to start a relay whose key file asks for scrypt 2^40", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "ants-absurd-scrypt-"));
    await (await startTestRelay({ dataDir })).close();
    const keyFile = join(dataDir, "relay-key.age");
    const text = readFileSync(keyFile).toString("latin1");
    expect(text).toMatch(/-> scrypt \S+ 10\n/);
    writeFileSync(keyFile, Buffer.from(text.replace(/(-> scrypt \S+) 10\n/, "$1 40\n"), "latin1"));
    expect(await codeOf(startTestRelay({ dataDir }))).toBe("ERR_KEYSTORE_WORK_FACTOR_TOO_HIGH");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(["../outside.age", "/etc/passwd", "a/../../outside.age", ""])(
    "refuses the keystore name %j, which leaves the home, with ERR_KEYSTORE_PATH_ESCAPES_HOME",
    async (name) => {
      const home = await mkdtemp(join(tmpdir(), "ants-traversal-"));
      expect(await codeOf(keystorePath(home, name))).toBe("ERR_KEYSTORE_PATH_ESCAPES_HOME");
    },
  );

  it("refuses a keystore name that leaves the home through a symbolic link", async () => {
    const home = await mkdtemp(join(tmpdir(), "ants-traversal-"));
    const elsewhere = await mkdtemp(join(tmpdir(), "ants-elsewhere-"));
    mkdirSync(join(home, "keys"));
    symlinkSync(elsewhere, join(home, "keys", "link"));
    const throughLink = keystorePath(home, "keys/link/identity.age");
    expect(await codeOf(throughLink)).toBe("ERR_KEYSTORE_PATH_ESCAPES_HOME");
  });
});
