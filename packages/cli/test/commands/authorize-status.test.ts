import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  attenuate,
  createSigner,
  didFromPublicKey,
  generateKeyPair,
  signDelegation,
} from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ants, freshHome, type Result, withOptions } from "../support/run-cli.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "ants.js");
const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-authorize-"));
let relay: RunningRelay;

interface TestIdentity {
  home: string;
  did: string;
  signer: ReturnType<typeof createSigner>;
}

async function identity(): Promise<TestIdentity> {
  const home = await freshHome();
  const { seed } = generateKeyPair();
  const seedFile = join(home, "seed.hex");
  writeFileSync(seedFile, Buffer.from(seed).toString("hex"));
  const imported = await ants(["key", "import", "--seed-file", seedFile, "--home", home], {
    ANTS_PASSPHRASE: "pw",
  });
  expect(imported.status).toBe(0);
  const signer = createSigner(seed);
  return { home, did: didFromPublicKey(signer.publicKey), signer };
}

function run(who: TestIdentity, args: string[]): Promise<Result> {
  return ants(withOptions(args, ["--home", who.home]), {
    ANTS_RELAY: relay.url,
    ANTS_PASSPHRASE: "pw",
  });
}

/** Kevin may post for the owner only with his own approval; Stuart posts. */
async function approvalChain() {
  const kevin = await identity();
  const stuart = await identity();
  expect((await run(kevin, ["register"])).status).toBe(0);
  expect((await run(stuart, ["register"])).status).toBe(0);
  const owner = createSigner(generateKeyPair().seed);
  const now = Math.floor(Date.now() / 1000);
  const root = signDelegation(
    { aud: kevin.did, cmd: "/social", exp: now + 3600 },
    { signer: owner },
  );
  const child = attenuate(
    [root],
    { aud: stuart.did, cmd: "/social/post", apr: { k: 1, of: [kevin.did] } },
    { signer: kevin.signer },
  );
  const invoke = ["invoke", "--cmd", "/social/post", "--chain", root, child, "--json"];
  return { kevin, stuart, invoke };
}

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
  });
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("ants authorize status and ants invoke --wait", () => {
  it("fetches a pending decision by hash, then allow once approved", async () => {
    const { kevin, stuart, invoke } = await approvalChain();
    const pending = JSON.parse((await run(stuart, invoke)).stdout);
    expect(pending.decision).toBe("pending");
    const hash = pending.invocationHash as string;

    const before = await run(stuart, ["authorize", "status", "--json", "--", hash]);
    expect(before.status).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ decision: "pending", invocationHash: hash });
    const readable = await run(stuart, ["authorize", "status", "--", hash]);
    expect(readable.stdout).toContain(`invocation ${hash}`);

    expect((await run(kevin, ["approve", "--", hash])).status).toBe(0);
    const after = await run(stuart, ["authorize", "status", "--json", "--", hash]);
    expect(after.status).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({
      decision: "allow",
      invocationHash: hash,
      actor: stuart.did,
    });
  });

  it("refuses a malformed hash and an unknown one with their codes", async () => {
    const { stuart } = await approvalChain();
    const malformed = await run(stuart, ["authorize", "status", "nope", "--json"]);
    expect(malformed.status).toBe(2);
    expect(JSON.parse(malformed.stdout).error.code).toBe("ERR_USAGE");
    const unknown = await run(stuart, ["authorize", "status", "A".repeat(43), "--json"]);
    expect(unknown.status).not.toBe(0);
    expect(JSON.parse(unknown.stdout).error.code).toBe("ERR_PENDING_NOT_FOUND");
  });

  it("refuses a --wait that is not whole seconds from 1 to 3600", async () => {
    const { stuart, invoke } = await approvalChain();
    for (const value of ["0", "abc", "3601", "1.5"]) {
      const answer = await run(stuart, [...invoke, "--wait", value]);
      expect(answer.status).toBe(2);
      expect(JSON.parse(answer.stdout).error.code).toBe("ERR_USAGE");
    }
  });

  it("exits with ERR_APPROVAL_REQUIRED's status when still pending after the wait", async () => {
    const { stuart, invoke } = await approvalChain();
    const answer = await run(stuart, [...invoke, "--wait", "1"]);
    expect(answer.status).toBe(22);
    expect(JSON.parse(answer.stdout).decision).toBe("pending");
    expect(answer.stderr).toMatch(/pending: invocation [A-Za-z0-9_-]{43}; waiting up to 1 s/);
  });

  it("waits for the approval and prints allow", async () => {
    const { kevin, stuart, invoke } = await approvalChain();
    // A process of its own, so the approval below runs while it polls.
    const child = spawn(process.execPath, [BIN, ...invoke, "--wait", "30", "--home", stuart.home], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: stuart.home,
        ANTS_RELAY: relay.url,
        ANTS_PASSPHRASE: "pw",
        ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "4",
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number>((resolve) => child.on("close", resolve));
    const hash = await new Promise<string>((resolve, reject) => {
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
        const found = /pending: invocation ([A-Za-z0-9_-]{43})/.exec(stderr);
        if (found !== null) resolve(found[1]!);
      });
      child.on("close", () => reject(new Error(`exited before pending: ${stderr}`)));
    });
    expect((await run(kevin, ["approve", "--", hash])).status).toBe(0);
    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ decision: "allow", invocationHash: hash });
  }, 60_000);
});
