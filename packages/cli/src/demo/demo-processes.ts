import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { CliError } from "../cli-error.ts";

/** A child process the demo started, and the URL it announced. */
export interface DemoProcess {
  url: string;
  stop(): Promise<void>;
}

const CLI_BIN = join(import.meta.dirname, "..", "..", "bin", "ants.js");
const SOCIAL_API = join(import.meta.dirname, "../../../../examples/social-api/bin/social-api.js");
/** How long a child may take to announce itself (a relay's first start derives its key). */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts a fresh relay as its own process (`ants relay start --port 0`) on a data directory.
 *
 * @example
 * const relay = await startRelayProcess("/tmp/demo/relay");
 */
export function startRelayProcess(dataDir: string): Promise<DemoProcess> {
  const args = [CLI_BIN, "relay", "start", "--port", "0", "--data", dataDir, "--log-level", "warn"];
  return startAnnounced("relay", args);
}

/**
 * Starts the example social API (examples/social-api) as its own process, trusting `relayUrl`.
 *
 * @example
 * const api = await startSocialApiProcess(relay.url);
 */
export function startSocialApiProcess(relayUrl: string): Promise<DemoProcess> {
  return startAnnounced("social-api", [SOCIAL_API, "--relay", relayUrl, "--port", "0"]);
}

function startAnnounced(name: string, args: string[]): Promise<DemoProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: process.env,
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`${name}: did not start in time`), START_TIMEOUT_MS);
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new CliError("ERR_INTERNAL", `${message}\n${output.slice(-2000)}`));
    };
    const onEarlyExit = (status: number | null) => {
      fail(`${name}: exited with status ${status} before listening`);
    };
    child.once("exit", onEarlyExit);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /listening on (https?:\/\/[^\s,]+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.off("exit", onEarlyExit);
      // Keep draining the pipe so the child never blocks on a full stderr.
      child.stderr!.off("data", onData).resume();
      resolve({ url: match[1]!, stop: () => stopChild(child) });
    };
    child.stderr!.on("data", onData);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
