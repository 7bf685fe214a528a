import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, openKeystoreFile, RelayClient, verifyKeyEventLogDocument } from "@ants/client";
import { jwkThumbprint, publicKeyFromDid } from "@ants/protocol";
import { type RunningRelay, startRelay } from "@ants/relay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ants, freshHome } from "../support/run-cli.ts";

const PW = { ANTS_PASSPHRASE: "pw" };
const dataDir = mkdtempSync(join(tmpdir(), "ants-cli-rotate-"));
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

async function json(args: string[]): Promise<Record<string, unknown>> {
  const result = await ants(args, PW);
  expect(result.stderr.includes("ERR_"), result.stderr).toBe(false);
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

async function refusal(args: string[]): Promise<string> {
  const result = await ants([...args, "--json"], PW);
  expect(result.status).not.toBe(0);
  return JSON.parse(result.stdout || result.stderr).error.code;
}

async function initAgent(args: string[] = []): Promise<{ home: string; id: string }> {
  const home = await freshHome();
  const init = await json(["init", "--home", home, "--json", ...args]);
  return { home, id: init.id as string };
}

function relayArgs(home: string): string[] {
  return ["--relay", relay.url, "--home", home, "--json"];
}

/** An agent whose owner certified it, registered with the certified inception. */
async function certifiedAgent(certifyArgs: string[] = []) {
  const agent = await initAgent(["--pre-rotate"]);
  const owner = await initAgent();
  const cert = join(owner.home, "owner-cert.jws");
  const certify = ["owner", "certify", agent.id, "--home", owner.home, "--out", cert, "--json"];
  await json([...certify, ...certifyArgs]);
  await json(["register", ...relayArgs(agent.home), "--owner-cert", cert]);
  return { agent, owner };
}

/** A new keystore in the agent's home and a file holding its did:key, for a recoverer. */
async function newKeyFor(home: string): Promise<{ keystore: string; didFile: string }> {
  const keystore = join(home, "recovered.age");
  const made = await json(["key", "new", "--home", home, "--out", keystore, "--json"]);
  const didFile = join(home, "recovered.did");
  writeFileSync(didFile, `${made.id}\n`);
  return { keystore, didFile };
}

async function sequence(id: string): Promise<number> {
  return (await new RelayClient({ url: relay.url }).keyEvents(id)).events.length - 1;
}

describe("ants rotate", () => {
  it("rotates with the next key, keeps the ID, and moves logins to the new key", async () => {
    const agent = await initAgent(["--pre-rotate"]);
    await json(["register", ...relayArgs(agent.home)]);
    await json(["login", ...relayArgs(agent.home)]);
    const stolen = join(agent.home, "stolen.age");
    copyFileSync(join(agent.home, "identity.age"), stolen);

    const rotated = await json(["rotate", ...relayArgs(agent.home)]);
    expect(rotated).toMatchObject({ id: agent.id, seq: 1 });
    expect(rotated.currentKey).not.toBe(agent.id);
    const local = JSON.parse(readFileSync(join(agent.home, "key-events.json"), "utf8"));
    expect(local.events).toHaveLength(2);

    const login = await json(["login", ...relayArgs(agent.home)]);
    expect(login.agent ?? login.id).toBe(agent.id);
    const whoami = await json(["whoami", "--home", agent.home, "--json"]);
    expect(whoami.id).toBe(agent.id);
    const currentKid = jwkThumbprint(publicKeyFromDid(rotated.currentKey as string));
    expect(whoami.kid).toBe(currentKid);
    const old = await openKeystoreFile(stolen, "pw");
    const thief = new Agent({ relay: relay.url, signer: old.signer, id: agent.id });
    await expect(thief.login()).rejects.toMatchObject({ code: "ERR_JWS_KID_MISMATCH" });

    // Delegations and revocation requests name the agent ID and are signed by the current key.
    const other = await initAgent();
    const delegation = await json([
      "delegate",
      "--home",
      agent.home,
      "--to",
      other.id,
      "--cmd",
      "/x",
      "--json",
    ]);
    const payload = (delegation.token as string).split(".")[1]!;
    expect(JSON.parse(Buffer.from(payload, "base64url").toString()).iss).toBe(agent.id);
    const revoked = await json(["revoke", ...relayArgs(agent.home), "--epoch", "1"]);
    expect(revoked.entry).toMatchObject({ kind: "issuer-epoch", target: agent.id });

    // The new next key was written in place of the old one, so the agent rotates again.
    expect(await json(["rotate", ...relayArgs(agent.home)])).toMatchObject({ seq: 2 });
    await json(["login", ...relayArgs(agent.home)]);
  });

  it("appends the same rotation to every other relay named with --also-relay", async () => {
    const secondDir = mkdtempSync(join(tmpdir(), "ants-cli-rotate-b-"));
    const second = await startRelay({
      port: 0,
      dataDir: secondDir,
      insecureWorkFactorLog2ForTests: 10,
      logger: { level: "silent" },
      processMetrics: false,
    });
    try {
      const agent = await initAgent(["--pre-rotate"]);
      const onSecond = ["--relay", second.url, "--home", agent.home, "--json"];
      await json(["register", ...relayArgs(agent.home)]);
      await json(["register", ...onSecond]);
      const unknown = "http://127.0.0.1:9";
      const args = ["rotate", ...relayArgs(agent.home), "--also-relay", second.url];
      // A relay that cannot be reached is reported beside the others, and the rotation stands.
      const run = await ants([...args, "--also-relay", unknown], PW);
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(`warning: ${unknown} refused the rotation`);
      const rotated = JSON.parse(run.stdout);
      expect(rotated.others).toEqual([
        { relay: second.url, seq: 1 },
        { relay: unknown, error: expect.stringMatching(/^ERR_/) },
      ]);
      const login = await json(["login", ...onSecond]);
      expect(login.agent ?? login.id).toBe(agent.id);
    } finally {
      await second.close();
      rmSync(secondDir, { recursive: true, force: true });
    }
  });

  it("refuses a thief who signs with the current key, and leaves the keystores as they were", async () => {
    const agent = await initAgent(["--pre-rotate"]);
    await json(["register", ...relayArgs(agent.home)]);
    const identity = join(agent.home, "identity.age");
    const before = readFileSync(identity);
    const asThief = ["rotate", ...relayArgs(agent.home), "--next-key", identity];
    expect(await refusal(asThief)).toBe("ERR_KEL_DIGEST_MISMATCH");
    expect(readFileSync(identity).equals(before)).toBe(true);
    expect(await sequence(agent.id)).toBe(0);
  });

  it("revokes the replaced key from the stated compromise time", async () => {
    const agent = await initAgent(["--pre-rotate"]);
    await json(["register", ...relayArgs(agent.home)]);
    const since = String(Math.floor(Date.now() / 1000) - 3600);
    const args = ["rotate", ...relayArgs(agent.home), "--reason", "compromise"];
    const rotated = await json([...args, "--compromised-since", since]);
    const seq = (rotated.revocations as number[])[0]!;
    const listed = await fetch(`${relay.url}/v1/revocations?since=${seq - 1}&limit=1`);
    const [entry] = (await listed.json()).entries;
    expect(entry).toMatchObject({ seq, kind: "key", compromisedSince: Number(since) });
    expect(entry.target).toBe(jwkThumbprint(publicKeyFromDid(agent.id)));
  });

  it("states a compromise time only with the compromise reason", async () => {
    const agent = await initAgent(["--pre-rotate"]);
    const args = ["rotate", ...relayArgs(agent.home)];
    expect(await refusal([...args, "--reason", "compromise"])).toBe("ERR_USAGE");
    expect(await refusal([...args, "--compromised-since", "1767225600"])).toBe("ERR_USAGE");
    expect(await refusal([...args, "--reason", "stolen"])).toBe("ERR_USAGE");
  });
});

describe("ants recover", () => {
  it("lets the owner recover after theft; the agent logs in with the new key", async () => {
    const { agent, owner } = await certifiedAgent();
    const fresh = await newKeyFor(agent.home);
    // The agent also makes a new next key, so that it can rotate itself again afterwards.
    const nextKeystore = join(agent.home, "next-key.age");
    const newNext = ["key", "new", "--home", agent.home, "--out", nextKeystore, "--force"];
    const nextDidFile = join(agent.home, "next.did");
    writeFileSync(nextDidFile, `${(await json([...newNext, "--json"])).id}\n`);
    const recover = ["recover", agent.id, ...relayArgs(owner.home), "--new-key", fresh.didFile];
    const recovered = await json([...recover, "--next", nextDidFile]);
    expect(recovered).toMatchObject({ id: agent.id, seq: 1, submitted: true });

    expect(await refusal(["login", ...relayArgs(agent.home)])).toBe("ERR_JWS_KID_MISMATCH");
    await rename(fresh.keystore, join(agent.home, "identity.age"));
    const login = await json(["login", ...relayArgs(agent.home)]);
    expect(login.agent ?? login.id).toBe(agent.id);
    expect(await json(["rotate", ...relayArgs(agent.home)])).toMatchObject({ seq: 2 });
  });

  it("lets the owner override a rotation by a stolen next key within the window", async () => {
    const { agent, owner } = await certifiedAgent();
    // A thief holding the host and its next key rotates first.
    expect(await json(["rotate", ...relayArgs(agent.home)])).toMatchObject({ seq: 1 });
    const fresh = await newKeyFor(owner.home);
    const recover = ["recover", agent.id, ...relayArgs(owner.home), "--new-key", fresh.didFile];
    expect(await refusal([...recover, "--overrides", "5"])).toBe("ERR_KEL_MALFORMED");
    const overridden = await json([...recover, "--overrides", "1"]);
    expect(overridden).toMatchObject({ id: agent.id, seq: 2, submitted: true });
    const document = await new RelayClient({ url: relay.url }).keyEvents(agent.id);
    const reasons = verifyKeyEventLogDocument(document).keys.map((k) => k.revocation?.reason);
    expect(reasons).toContain("overridden");
  });

  it("recovers once 2 of 3 guardians have signed, and not with 1 of 3", async () => {
    const guardians = [await initAgent(), await initAgent(), await initAgent()];
    const dids = guardians.map((guardian) => guardian.id).join(",");
    const { agent } = await certifiedAgent(["--guardians", dids, "--threshold", "2"]);
    const fresh = await newKeyFor(agent.home);
    const collect = join(await freshHome(), "recovery.json");
    const asGuardian = (home: string) => [
      "recover",
      agent.id,
      ...relayArgs(home),
      "--as",
      "guardian",
      "--collect",
      collect,
      "--new-key",
      fresh.didFile,
    ];

    const first = await json(asGuardian(guardians[0]!.home));
    expect(first).toMatchObject({ signatures: 1, submitted: false });
    expect(await sequence(agent.id)).toBe(0);

    const second = await json(asGuardian(guardians[2]!.home));
    expect(second).toMatchObject({ id: agent.id, seq: 1, submitted: true });
    expect(await sequence(agent.id)).toBe(1);
  });

  it("refuses a signer who is no recovery authority, and a guardian run without a file", async () => {
    const { agent } = await certifiedAgent();
    const stranger = await initAgent();
    const fresh = await newKeyFor(agent.home);
    const recover = ["recover", agent.id, ...relayArgs(stranger.home), "--new-key", fresh.didFile];
    expect(await refusal(recover)).toBe("ERR_KEL_WRONG_SIGNER");
    expect(await refusal([...recover, "--as", "guardian"])).toBe("ERR_USAGE");
    expect(await sequence(agent.id)).toBe(0);
  });
});

describe("ants relay rotate-key", () => {
  it("replaces the relay key and lists the old one as published during the overlap", async () => {
    const directory = mkdtempSync(join(tmpdir(), "ants-cli-relay-key-"));
    try {
      const stopped = await startRelay({
        port: 0,
        dataDir: directory,
        insecureWorkFactorLog2ForTests: 10,
        logger: { level: "silent" },
        processMetrics: false,
      });
      const oldDid = stopped.app.relay.identity.did;
      await stopped.close();
      const rotated = await json([
        "relay",
        "rotate-key",
        "--data",
        directory,
        "--overlap",
        "2d",
        "--json",
      ]);
      expect(rotated).toMatchObject({ previous: { did: oldDid } });
      const retired = JSON.parse(readFileSync(join(directory, "relay-keys-retired.json"), "utf8"));
      expect(retired.keys[0].until - retired.keys[0].retiredAt).toBe(2 * 86_400);
      const empty = mkdtempSync(join(tmpdir(), "ants-cli-relay-key-"));
      const refused = await refusal(["relay", "rotate-key", "--data", empty]);
      rmSync(empty, { recursive: true, force: true });
      expect(refused).toBe("ERR_KEYSTORE_PASSPHRASE_MISSING");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
