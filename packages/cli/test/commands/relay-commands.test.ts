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
import { ants, freshHome, withOptions } from "../support/run-cli.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-relay-"));
let relay: RunningRelay;

interface TestIdentity {
  home: string;
  did: string;
  signer: ReturnType<typeof createSigner>;
}

/** An agent home whose key the test knows, imported through `ants key import`. */
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

function run(
  who: TestIdentity,
  args: string[],
  env: Record<string, string> = { ANTS_PASSPHRASE: "pw" },
) {
  return ants(withOptions(args, ["--home", who.home]), { ANTS_RELAY: relay.url, ...env });
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

describe("ants register, login, invoke, approve", () => {
  it("registers, logs in, and invokes with a chain, printing the decision", async () => {
    const worker = await identity();
    const registered = await run(worker, ["register", "--instances", "2", "--json"]);
    expect(registered.status).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ id: worker.did, instances: 2 });

    const login = await run(worker, ["login", "--json"]);
    expect(login.status).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ agent: worker.did, instance: "cli" });

    const owner = createSigner(generateKeyPair().seed);
    const now = Math.floor(Date.now() / 1000);
    const root = signDelegation(
      { aud: worker.did, cmd: "/social", exp: now + 600 },
      { signer: owner },
    );
    // No passphrase now: the stored session is enough for an invocation.
    const args = [
      "invoke",
      "--cmd",
      "/social/draft",
      "--args",
      '{"text":"hi"}',
      "--chain",
      root,
      "--resource",
      "https://social.example",
      "--json",
    ];
    const allowed = await run(worker, args, {});
    expect(allowed.status).toBe(0);
    const decision = JSON.parse(allowed.stdout);
    expect(decision).toMatchObject({
      decision: "allow",
      command: "/social/draft",
      resource: "https://social.example",
    });
    expect(typeof decision.accessToken).toBe("string");

    const readable = await run(worker, ["invoke", "--cmd", "/social/post", "--chain", root]);
    expect(readable.stdout).toMatch(/^allow \/social\/post \(audit entry \d+\)/);
  });

  it("prints a deny with its reason and exits non-zero", async () => {
    const worker = await identity();
    await run(worker, ["register"]);
    const owner = createSigner(generateKeyPair().seed);
    const root = signDelegation(
      { aud: worker.did, cmd: "/social/post", exp: Math.floor(Date.now() / 1000) + 600 },
      { signer: owner },
    );
    const denied = await run(worker, [
      "invoke",
      "--cmd",
      "/social/delete",
      "--chain",
      root,
      "--json",
    ]);
    expect(denied.status).not.toBe(0);
    expect(JSON.parse(denied.stdout)).toMatchObject({
      decision: "deny",
      reason: "ERR_INVOCATION_CMD_MISMATCH",
    });
  });

  it("answers pending, and the approver approves by hash", async () => {
    const kevin = await identity();
    const stuart = await identity();
    await run(kevin, ["register"]);
    await run(stuart, ["register"]);
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
    const pending = await run(stuart, [
      "invoke",
      "--cmd",
      "/social/post",
      "--chain",
      root,
      child,
      "--json",
    ]);
    const answer = JSON.parse(pending.stdout);
    expect(answer.decision).toBe("pending");
    const approved = await run(kevin, ["approve", "--json", "--", answer.invocationHash]);
    expect(approved.status).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ approvedBy: [kevin.did], satisfied: true });
  });

  it("refuses usage errors and unreachable relays with codes", async () => {
    const worker = await identity();
    const noRelay = await ants(["login", "--home", worker.home, "--json"], {
      ANTS_PASSPHRASE: "pw",
    });
    expect(JSON.parse(noRelay.stdout).error.code).toBe("ERR_USAGE");
    const badArgs = await run(worker, [
      "invoke",
      "--cmd",
      "/x",
      "--args",
      "[1]",
      "--chain",
      "a.b.c",
      "--json",
    ]);
    expect(JSON.parse(badArgs.stdout).error.code).toBe("ERR_USAGE");
    const down = await ants(
      ["login", "--home", worker.home, "--relay", "http://127.0.0.1:9", "--json"],
      { ANTS_PASSPHRASE: "pw" },
    );
    expect(JSON.parse(down.stdout).error.code).toBe("ERR_RELAY_UNREACHABLE");
    const unregistered = await run(worker, ["login", "--json"]);
    expect(JSON.parse(unregistered.stdout).error.code).toBe("ERR_AGENT_NOT_FOUND");
  });
});
