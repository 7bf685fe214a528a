import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCheckpoint, parseVerifierKey } from "@ants/protocol";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { relayKeyFor } from "../../src/identity/relay-identity.ts";
import { RETIRED_KEYS_FILE, readRetiredRelayKeys } from "../../src/identity/retired-relay-keys.ts";
import { rotateRelayKey } from "../../src/identity/rotate-relay-key.ts";
import { authorize, invocationFor, principalKey, rootDelegation } from "../helpers/scenario.ts";
import { type RelayTarget, send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

const RESOURCE = "https://social.example.com";
/** One public URL across restarts (the port changes), as behind a proxy in production. */
const PUBLIC_URL = "http://relay.test";
const LOG_ORIGIN = "relay.test/v1/log";
const directories: string[] = [];
const relays: TestRelay[] = [];

afterAll(async () => {
  for (const relay of relays) await relay.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

function dataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "ants-relay-rotate-"));
  directories.push(directory);
  return directory;
}

async function start(directory: string): Promise<TestRelay> {
  const relay = await startTestRelay({
    dataDir: directory,
    policy: undefined,
    publicUrl: PUBLIC_URL,
  });
  relays.push(relay);
  return relay;
}

/** An allowed decision's access token, on a fresh agent. */
async function accessToken(relay: TestRelay): Promise<string> {
  const clock: TestClock = { now: Math.floor(Date.now() / 1000) };
  const target: RelayTarget = {
    url: relay.url,
    did: relay.app.relay.identity.did,
    origin: PUBLIC_URL,
  };
  const agent = new TestAgent(target, clock);
  expect((await agent.register()).status).toBe(201);
  expect((await agent.login()).status).toBe(201);
  const principal = principalKey();
  const root = rootDelegation(principal, agent, {
    cmd: "/social",
    exp: clock.now + 600,
    now: clock.now,
  });
  const invocation = invocationFor(agent, [root], {
    cmd: "/social/draft",
    args: { text: "hi" },
    principal: principal.did,
  });
  const answer = await authorize(agent, { invocation, chain: [root], resource: RESOURCE });
  expect(answer.body.decision).toBe("allow");
  return answer.body.accessToken as string;
}

async function checkpointNote(relay: TestRelay): Promise<string> {
  return (await fetch(`${relay.url}/v1/log/checkpoint`)).text();
}

async function discovery(relay: TestRelay) {
  const target = { url: relay.url, did: "", origin: relay.url };
  return (await send(target, "GET", "/.well-known/ants-relay")).body;
}

describe("ants relay rotate-key", () => {
  it("signs with the new key and keeps the old key's tokens and checkpoints verifiable", async () => {
    const directory = dataDir();
    const before = await start(directory);
    const oldToken = await accessToken(before);
    const oldCheckpoint = await checkpointNote(before);
    const oldDid = before.app.relay.identity.did;
    await before.close();

    const rotation = await rotateRelayKey({
      dataDir: directory,
      overlapSeconds: 3600,
      insecureWorkFactorLog2ForTests: 10,
    });
    expect(rotation.previous.did).toBe(oldDid);
    expect(rotation.current.did).not.toBe(oldDid);

    const after = await start(directory);
    expect(after.app.relay.identity.did).toBe(rotation.current.did);
    const jwks = await (await fetch(`${after.url}/.well-known/jwks.json`)).json();
    expect(jwks.keys.map((key: { kid: string }) => key.kid)).toEqual([
      rotation.current.kid,
      rotation.previous.kid,
    ]);
    const document = await discovery(after);
    expect(document.did).toBe(rotation.current.did);
    expect(document.keys).toHaveLength(2);
    expect(document.logVerifierKeys[0]).toBe(document.logVerifierKey);
    expect(document.logVerifierKeys).toHaveLength(2);

    const keySet = createLocalJWKSet(jwks);
    const old = await jwtVerify(oldToken, keySet, { issuer: PUBLIC_URL, audience: RESOURCE });
    expect(old.protectedHeader.kid).toBe(rotation.previous.kid);
    const fresh = await jwtVerify(await accessToken(after), keySet, { audience: RESOURCE });
    expect(fresh.protectedHeader.kid).toBe(rotation.current.kid);

    const [current, former] = document.logVerifierKeys.map(parseVerifierKey);
    expect(() => openCheckpoint(oldCheckpoint, [current])).toThrow();
    expect(openCheckpoint(oldCheckpoint, [former]).origin).toBe(LOG_ORIGIN);
    expect(openCheckpoint(await checkpointNote(after), [current]).origin).toBe(LOG_ORIGIN);

    // The relay itself (token introspection) finds the former key by its kid as well.
    const identity = after.app.relay.identity;
    expect(relayKeyFor(identity, rotation.previous.kid)).toEqual(identity.retired?.[0]?.publicKey);
    expect(relayKeyFor(identity, rotation.current.kid)).toEqual(identity.signer.publicKey);
    expect(relayKeyFor(identity, "unknown-kid")).toBeUndefined();

    // Once the overlap ends the old key is no longer published.
    expect(await readRetiredRelayKeys(directory, rotation.overlapUntil - 1)).toHaveLength(1);
    expect(await readRetiredRelayKeys(directory, rotation.overlapUntil)).toHaveLength(0);
  });

  it("serves the same tree signed by the new key at once, before any new entry", async () => {
    const directory = dataDir();
    const before = await start(directory);
    await accessToken(before);
    const [oldKey] = (await discovery(before)).logVerifierKeys.map(parseVerifierKey);
    const size = openCheckpoint(await checkpointNote(before), [oldKey]).size;
    expect(size).toBeGreaterThan(0);
    await before.close();
    await rotateRelayKey({ dataDir: directory, insecureWorkFactorLog2ForTests: 10 });

    const after = await start(directory);
    const document = await discovery(after);
    const [current] = document.logVerifierKeys.map(parseVerifierKey);
    const note = await checkpointNote(after);
    expect(openCheckpoint(note, [current]).size).toBe(size);
    await after.close();
  });

  it("refuses a data directory without a relay key, and a tampered list of former keys", async () => {
    await expect(rotateRelayKey({ dataDir: dataDir() })).rejects.toMatchObject({
      code: "ERR_KEYSTORE_PASSPHRASE_MISSING",
    });
    const directory = dataDir();
    await (await start(directory)).close();
    await rotateRelayKey({ dataDir: directory, insecureWorkFactorLog2ForTests: 10 });
    writeFileSync(join(directory, RETIRED_KEYS_FILE), '{"keys":[{"jwk":{"kty":"OKP"}}]}');
    await expect(readRetiredRelayKeys(directory, 0)).rejects.toMatchObject({
      code: "ERR_CONFIG_INVALID",
    });
    await expect(start(directory)).rejects.toMatchObject({ code: "ERR_CONFIG_INVALID" });
  });
});
