import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { send, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { listSessions, revoke } from "./revocation-helpers.ts";

const BIN = join(import.meta.dirname, "..", "..", "..", "cli", "bin", "ants.js");
const directories: string[] = [];

/** `ants relay start` as a child process of its own, so it can be killed outright. */
async function startRelayProcess(data: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, "relay", "start", "--port", "0", "--data", data], {
    env: { PATH: process.env.PATH ?? "", ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "10" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (status) => reject(new Error(`relay exited with ${status}: ${stderr}`)));
  });
  return { child, url };
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

afterAll(async () => {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
});

describe("a crash right after an acknowledged revocation", () => {
  it("loses nothing: kill -9, restart on the same data, the session is still refused", async () => {
    const data = await mkdtemp(join(tmpdir(), "ants-revocation-crash-"));
    directories.push(data);
    const first = await startRelayProcess(data);
    const discovery = await send({ url: first.url }, "GET", "/.well-known/ants-relay");
    const clock: TestClock = { now: Math.floor(Date.now() / 1000) };
    const relay = { url: first.url, did: discovery.body.did as string, origin: first.url };
    const kevin = new TestAgent(relay, clock);
    expect((await kevin.register()).status).toBe(201);
    expect((await kevin.login()).status).toBe(201);

    const answer = await revoke(relay, clock, kevin, { kind: "session", target: kevin.sessionId });
    expect(answer.status).toBe(201);
    // No grace period: the process dies the moment the acknowledgement is in.
    await killHard(first.child);

    const second = await startRelayProcess(data);
    try {
      // The same agent and session, at the restarted relay's new port.
      relay.url = second.url;
      relay.origin = second.url;
      const refused = await listSessions(kevin);
      expect(refused.body).toMatchObject({
        code: "ERR_REVOKED_SESSION",
        revocation: answer.body.entry.seq,
      });
      const log = await send(relay, "GET", "/v1/revocations?since=0");
      expect(log.body.entries).toEqual([answer.body.entry]);
    } finally {
      await killHard(second.child);
    }
  }, 120_000);
});
