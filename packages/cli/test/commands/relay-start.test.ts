import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "..", "bin", "ants.js");
const directories: string[] = [];

interface Started {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Spawns `ants relay start` on a free port and waits for its "listening on" line. */
async function startRelayProcess(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [BIN, "relay", "start", "--port", "0", ...args], {
    env: { PATH: process.env.PATH ?? "", ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "10" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    exited.then((status) => reject(new Error(`relay exited with ${status}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr, exited };
}

async function tempDir(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "ants-relay-start-"));
  directories.push(directory);
  return directory;
}

afterEach(async () => {
  for (const directory of directories.splice(0))
    await rm(directory, { recursive: true, force: true });
});

describe("ants relay start", () => {
  it("starts on a fresh data directory, serves, and stops cleanly on SIGTERM", async () => {
    const data = join(await tempDir(), "data");
    const relay = await startRelayProcess(["--data", data]);
    const health = await fetch(`${relay.url}/healthz`);
    expect(await health.json()).toEqual({ status: "ok" });
    const discovery = await (await fetch(`${relay.url}/.well-known/ants-relay`)).json();
    expect(discovery.origin).toBe(relay.url);
    expect((await stat(join(data, "relay-passphrase"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(data, "relay.sqlite"))).isFile()).toBe(true);

    relay.child.kill("SIGTERM");
    expect(await relay.exited).toBe(0);
    expect(relay.stderr()).toContain("relay stopping");
    const passphrase = (await readFile(join(data, "relay-passphrase"), "utf8")).trim();
    expect(relay.stderr()).not.toContain(passphrase);
  });

  it("keeps its identity across a restart and honours --public-url", async () => {
    const data = join(await tempDir(), "data");
    const first = await startRelayProcess(["--data", data]);
    const before = await (await fetch(`${first.url}/.well-known/ants-relay`)).json();
    first.child.kill("SIGINT");
    expect(await first.exited).toBe(0);

    const second = await startRelayProcess([
      "--data",
      data,
      "--public-url",
      "https://relay.example",
    ]);
    const after = await (await fetch(`${second.url}/.well-known/ants-relay`)).json();
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    expect(after.did).toBe(before.did);
    expect(after.origin).toBe("https://relay.example");
  });

  it("refuses a bad port with a usage error", async () => {
    const child = spawn(process.execPath, [BIN, "relay", "start", "--port", "99999", "--json"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += String(chunk);
    });
    const status = await new Promise((resolve) => child.once("exit", resolve));
    expect(status).toBe(2);
    expect(JSON.parse(stdout).error.code).toBe("ERR_USAGE");
  });
});
