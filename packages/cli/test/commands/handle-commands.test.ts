import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, didFromPublicKey, generateKeyPair } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ants, antsBinary, freshHome } from "../support/run-cli.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-handles-"));
let relay: RunningRelay;

interface TestIdentity {
  home: string;
  did: string;
}

/** A registered agent home whose key the test knows. */
async function registered(): Promise<TestIdentity> {
  const home = await freshHome();
  const { seed } = generateKeyPair();
  const seedFile = join(home, "seed.hex");
  writeFileSync(seedFile, Buffer.from(seed).toString("hex"));
  const env = { ANTS_PASSPHRASE: "pw" };
  expect((await ants(["key", "import", "--seed-file", seedFile, "--home", home], env)).status).toBe(
    0,
  );
  const who = { home, did: didFromPublicKey(createSigner(seed).publicKey) };
  expect((await run(who, ["register"])).status).toBe(0);
  return who;
}

function run(who: TestIdentity, args: string[]) {
  return ants([...args, "--home", who.home], { ANTS_RELAY: relay.url, ANTS_PASSPHRASE: "pw" });
}

function json(result: { stdout: string }) {
  return JSON.parse(result.stdout);
}

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    handles: { insecureFixedDifficultyForTests: 20_000 },
  });
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("ants handle", () => {
  it("claims in a worker thread, resolves, transfers, accepts and releases", async () => {
    const alice = await registered();
    const bob = await registered();
    const host = new URL(relay.url).host;

    const claimed = await run(alice, ["handle", "claim", "Alice-Bot", "--json"]);
    expect(claimed.status).toBe(0);
    expect(json(claimed)).toMatchObject({
      handle: "alice-bot",
      agent: alice.did,
      ref: `@alice-bot@${host}`,
      difficulty: { expectedHashes: 20_000 },
    });
    expect(json(claimed).hashes).toBeGreaterThan(0);

    const resolved = await ants(["handle", "resolve", `@ALICE-BOT@${host}`, "--json"], {
      ANTS_RELAY: relay.url,
    });
    expect(json(resolved)).toMatchObject({ handle: "alice-bot", agent: alice.did });

    const offered = await run(alice, [
      "handle",
      "transfer",
      "alice-bot",
      "--to",
      bob.did,
      "--json",
    ]);
    expect(json(offered)).toMatchObject({ to: bob.did, holder: alice.did });
    const still = await ants(["handle", "resolve", "alice-bot", "--json"], {
      ANTS_RELAY: relay.url,
    });
    expect(json(still).agent).toBe(alice.did);

    const accepted = await run(bob, ["handle", "accept", "alice-bot", "--json"]);
    expect(json(accepted)).toMatchObject({ handle: "alice-bot", agent: bob.did });

    const released = await run(bob, ["handle", "release", "alice-bot"]);
    expect(released.status).toBe(0);
    expect(released.stdout).toMatch(/^released @alice-bot; quarantined until /);
  });

  it("reports a refusal by its code: a look-alike, a taken name, a difficulty over the ceiling", async () => {
    const carol = await registered();
    const lookAlike = await run(carol, ["handle", "claim", "kаrol", "--json"]);
    expect(json(lookAlike).error.code).toBe("ERR_HANDLE_INVALID");

    expect((await run(carol, ["handle", "claim", "carol-bot", "--json"])).status).toBe(0);
    const dave = await registered();
    const taken = await run(dave, ["handle", "claim", "CAROL-BOT", "--json"]);
    expect(json(taken).error.code).toBe("ERR_HANDLE_TAKEN");

    const tooHard = await run(dave, [
      "handle",
      "claim",
      "dave-bot",
      "--max-difficulty",
      "1000",
      "--json",
    ]);
    expect(json(tooHard).error.code).toBe("ERR_POW_TOO_HARD");
  });

  it("resolves through the real binary, and exits non-zero for an unknown name", async () => {
    const found = await antsBinary([
      "handle",
      "resolve",
      "nobody-here",
      "--relay",
      relay.url,
      "--json",
    ]);
    expect(found.status).not.toBe(0);
    expect(JSON.parse(found.stdout).error.code).toBe("ERR_HANDLE_NOT_FOUND");
  });
});
