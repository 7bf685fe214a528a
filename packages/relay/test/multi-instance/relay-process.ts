import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { testLogFile } from "../helpers/test-log.ts";

const ANTS_BIN = resolve(import.meta.dirname, "../../../cli/bin/ants.js");

/** A relay started as its own process with `ants relay start`. */
export interface RelayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `node packages/cli/bin/ants.js relay start --port 0 ...` with `args` and resolves once it
 * prints the URL it listens on (rejects if it exits first or takes over 30 s). Logs at warn, or,
 * when ANTS_TEST_LOG_DIR is set, at info with its output copied to a file there (test-log.ts).
 */
export function startRelayProcess(args: string[]): Promise<RelayProcess> {
  const logFile = testLogFile("relay-process");
  const child = spawn(
    process.execPath,
    [ANTS_BIN, "relay", "start", "--port", "0", "--log-level", logFile ? "info" : "warn", ...args],
    {
      env: { ...process.env, ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "10" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (logFile !== undefined) {
    const copy = createWriteStream(logFile);
    child.stdout!.pipe(copy, { end: false });
    child.stderr!.pipe(copy, { end: false });
    child.once("close", () => copy.end());
  }
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return new Promise((resolveStart, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      // Started: stop collecting output (it only grows, and is matched whole on each chunk).
      child.stdout!.off("data", onData);
      child.stderr!.off("data", onData);
      child.stdout!.resume();
      child.stderr!.resume();
      resolveStart({
        url: match[1]!,
        child,
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}: ${output}`));
    });
  });
}

/** Runs one `ants` command to completion; resolves its exit code and output. */
export function runAnts(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [ANTS_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((done) => child.once("exit", (code) => done({ code, output })));
}
