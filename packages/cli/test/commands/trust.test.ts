import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, didFromPublicKey, generateKeyPair, signRegistration } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trustLines } from "../../src/commands/trust.ts";
import { ants } from "../support/run-cli.ts";

const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-trust-"));
const pinned = createSigner(generateKeyPair().seed);
const pinnedDid = didFromPublicKey(pinned.publicKey);
let relay: RunningRelay;

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    trust: { pinned: { [pinnedDid]: 3 }, refreshMs: 0 },
  });
  const registration = signRegistration(
    { aud: relay.app.relay.identity.did, instances: 1 },
    { signer: pinned },
  );
  const answer = await fetch(`${relay.url}/v1/agents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ registration }),
  });
  expect(answer.status).toBe(201);
});
afterAll(async () => {
  await relay.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("ants trust", () => {
  it("prints the level, each gate and what would raise it, or JSON with --json", async () => {
    const text = await ants(["trust", pinnedDid, "--relay", relay.url]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`${pinnedDid}: L3, formula 1`);
    expect(text.stdout).toContain("pinned by the operator at L3");
    expect(text.stdout).toMatch(/vouch +L0 +value 0, L1 needs 1/);
    expect(text.stdout).toContain("to raise: a vouch of level 1");

    const json = await ants(["trust", pinnedDid, "--json"], { ANTS_RELAY: relay.url });
    expect(json.status).toBe(0);
    const explanation = JSON.parse(json.stdout);
    expect(explanation).toMatchObject({ agent: pinnedDid, level: 3, pinned: 3 });
    expect(explanation.gates).toHaveLength(6);
  });

  it("reports an unknown agent with its code", async () => {
    const stranger = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
    const result = await ants(["trust", stranger, "--relay", relay.url, "--json"]);
    expect(result.status).not.toBe(0);
    expect(JSON.parse(result.stdout).error.code).toBe("ERR_AGENT_NOT_FOUND");
  });

  it("reads a hold and the heading level in the readable form", () => {
    const lines = trustLines({
      agent: "did:key:z6MkA",
      level: 0,
      target: 2,
      formula: 1,
      computedAt: 0,
      nextUpgradeAt: 86_400,
      pinned: null,
      seed: false,
      hold: { reason: "instances-exceeded", until: 604_800 },
      loginDemandedAt: null,
      limitedBy: ["behaviour"],
      gates: [],
    });
    expect(lines).toEqual([
      "did:key:z6MkA: L0 (heading for L2), formula 1",
      "  held at L0 (instances-exceeded) until 1970-01-08T00:00:00.000Z",
      "  next upgrade at 1970-01-02T00:00:00.000Z",
    ]);
  });
});
