import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import {
  GENERATED_PASSPHRASE_FILE,
  loadRelayIdentity,
  RELAY_KEYSTORE_FILE,
} from "../../src/identity/relay-identity.ts";

const directories: string[] = [];

function dataDir(): string {
  const directory = mkdtempSync(join(tmpdir(), "ants-identity-"));
  directories.push(directory);
  return directory;
}

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { log: pino(stream), lines };
}

afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe("the relay's identity", () => {
  it("on a first start with no passphrase, generates one into a 0600 file and says so", async () => {
    const directory = dataDir();
    const { log, lines } = capture();
    const identity = await loadRelayIdentity({
      dataDir: directory,
      log,
      insecureWorkFactorLog2ForTests: 10,
    });
    expect(identity.did).toMatch(/^did:key:z6Mk/);
    const passphraseFile = join(directory, GENERATED_PASSPHRASE_FILE);
    expect(statSync(passphraseFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(directory, RELAY_KEYSTORE_FILE)).mode & 0o777).toBe(0o600);
    const passphrase = (await readFile(passphraseFile, "utf8")).trim();
    const logged = lines.join("");
    expect(logged).toContain("generated a passphrase");
    expect(logged).not.toContain(passphrase);
  });

  it("keeps the same key across restarts", async () => {
    const directory = dataDir();
    const { log } = capture();
    const first = await loadRelayIdentity({
      dataDir: directory,
      log,
      insecureWorkFactorLog2ForTests: 10,
    });
    const second = await loadRelayIdentity({ dataDir: directory, log });
    expect(second.did).toBe(first.did);
    expect(second.jwk).toEqual(first.jwk);
  });

  it("uses a given passphrase file and writes no generated one", async () => {
    const directory = dataDir();
    const secret = join(dataDir(), "secret");
    writeFileSync(secret, "correct horse battery staple\n", { mode: 0o600 });
    const { log } = capture();
    const first = await loadRelayIdentity({
      dataDir: directory,
      passphraseFile: secret,
      log,
      insecureWorkFactorLog2ForTests: 10,
    });
    expect(() => statSync(join(directory, GENERATED_PASSPHRASE_FILE))).toThrow();
    const again = await loadRelayIdentity({ dataDir: directory, passphraseFile: secret, log });
    expect(again.did).toBe(first.did);
  });

  it("refuses to start when the key exists but no passphrase source does", async () => {
    const directory = dataDir();
    const secret = join(dataDir(), "secret");
    writeFileSync(secret, "pass\n");
    const { log } = capture();
    await loadRelayIdentity({
      dataDir: directory,
      passphraseFile: secret,
      log,
      insecureWorkFactorLog2ForTests: 10,
    });
    await expect(loadRelayIdentity({ dataDir: directory, log })).rejects.toMatchObject({
      code: "ERR_KEYSTORE_PASSPHRASE_MISSING",
    });
  });

  it("refuses a wrong passphrase with ERR_KEYSTORE_PASSPHRASE_WRONG", async () => {
    const directory = dataDir();
    const { log } = capture();
    await loadRelayIdentity({ dataDir: directory, log, insecureWorkFactorLog2ForTests: 10 });
    const wrong = join(dataDir(), "wrong");
    writeFileSync(wrong, "not it\n");
    await expect(
      loadRelayIdentity({ dataDir: directory, passphraseFile: wrong, log }),
    ).rejects.toMatchObject({
      code: "ERR_KEYSTORE_PASSPHRASE_WRONG",
    });
  });
});
