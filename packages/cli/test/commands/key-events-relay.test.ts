import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openKeystoreFile, prepareRotation, RelayClient } from "@ants/client";
import { didFromPublicKey, generateKeyPair } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ants, freshHome } from "../support/run-cli.ts";

const PW = { ANTS_PASSPHRASE: "pw" };
const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-kel-"));
let relay: RunningRelay;

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

async function initAgent(args: string[] = []): Promise<{ home: string; id: string }> {
  const home = await freshHome();
  const init = await ants(["init", "--home", home, "--json", ...args], PW);
  expect(init.status).toBe(0);
  return { home, id: JSON.parse(init.stdout).id };
}

describe("ants register with a key event log, and ants keylog --relay", () => {
  it("pins the certified inception, and serves the rotation appended after it", async () => {
    const agent = await initAgent(["--pre-rotate", "--instances", "2"]);
    const owner = await initAgent();
    const cert = join(await freshHome(), "owner-cert.jws");
    const certify = ["owner", "certify", agent.id, "--home", owner.home, "--out", cert];
    expect((await ants(certify, PW)).status).toBe(0);

    const register = ["register", "--relay", relay.url, "--home", agent.home, "--json"];
    const registered = await ants([...register, "--owner-cert", cert], PW);
    expect(registered.status).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({
      id: agent.id,
      instances: 2,
      owner: owner.id,
    });

    const client = new RelayClient({ url: relay.url });
    const next = await openKeystoreFile(join(agent.home, "next-key.age"), "pw");
    const fresh = generateKeyPair();
    const event = prepareRotation(await client.keyEvents(agent.id), {
      signer: next.signer,
      auth: "next",
      newPublicKey: fresh.publicKey,
    });
    await client.request("POST", `/v1/agents/${agent.id}/events`, { body: { event } });

    const keylog = await ants(["keylog", agent.id, "--relay", relay.url, "--json"]);
    expect(keylog.status).toBe(0);
    const output = JSON.parse(keylog.stdout);
    expect(output).toMatchObject({ id: agent.id, sequence: 1, instances: 2 });
    expect(output.owner.iss).toBe(owner.id);
    expect(output.currentKey.key).toBe(didFromPublicKey(fresh.publicKey));
  });

  it("registers an agent without a key event log as before, and refuses --owner-cert", async () => {
    const agent = await initAgent();
    const { rm } = await import("node:fs/promises");
    await rm(join(agent.home, "key-events.json"));
    const register = ["register", "--relay", relay.url, "--home", agent.home];
    const refused = await ants([...register, "--owner-cert", "missing.jws"], PW);
    expect(refused.status).not.toBe(0);
    expect(`${refused.stdout}${refused.stderr}`).toContain("ERR_USAGE");
    expect((await ants(register, PW)).status).toBe(0);
    const keylog = await ants(["keylog", agent.id, "--relay", relay.url, "--json"]);
    expect(keylog.status).not.toBe(0);
    expect(`${keylog.stdout}${keylog.stderr}`).toContain("ERR_AGENT_NOT_FOUND");
  });
});
