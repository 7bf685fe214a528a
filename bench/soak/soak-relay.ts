import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ANTS_BIN = join(import.meta.dirname, "..", "..", "packages", "cli", "bin", "ants.js");

/** A relay started with `ants relay start` on SQLite in a fresh directory of its own. */
export interface RelayUnderTest {
  readonly url: string;
  readonly child: ChildProcess;
  /** Where the relay's stderr goes once it listens. */
  readonly logFile: string;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

/**
 * Starts a fresh relay (defaults: SQLite with synchronous=FULL, request logs at `warn`, then
 * `extra` arguments of `ants relay start`) and resolves once it listens. With `data`, the relay
 * uses that directory (instances sharing one relay key) and `stop` leaves it to the caller.
 *
 * @example
 * const relay = await startRelay("soak");
 */
export function startRelay(
  name: string,
  extra: readonly string[] = [],
  options: { data?: string } = {},
): Promise<RelayUnderTest> {
  const data = options.data ?? mkdtempSync(join(tmpdir(), `ants-${name}-`));
  const args = [ANTS_BIN, "relay", "start", "--port", "0", "--data", data, "--log-level", "warn"];
  args.push(...extra);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  // Warnings and errors of the relay, kept after the run: a 500 under load is a finding.
  const logFile = join(tmpdir(), `ants-${name}-relay.log`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  let output = "";
  return new Promise((resolve, reject) => {
    const onExit = (status: number | null) =>
      reject(new Error(`relay exited with ${status}: ${output}`));
    child.once("exit", onExit);
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match === null) return;
      child.stderr!.off("data", onData).pipe(log);
      child.off("exit", onExit);
      resolve({
        url: match[1]!,
        child,
        logFile,
        stop: async () => {
          if (child.exitCode === null) child.kill("SIGTERM");
          await exited;
          if (options.data === undefined) rmSync(data, { recursive: true, force: true });
        },
      });
    };
    child.stderr!.on("data", onData);
  });
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(text);
  return match === null ? Number.NaN : Number(match[1]);
}

/**
 * The relay's resident set, used heap and external memory (Buffers), from its /metrics.
 *
 * @example
 * const { rssBytes } = await relayMemory(relay);
 */
export async function relayMemory(
  relay: RelayUnderTest,
): Promise<{ rssBytes: number; heapUsedBytes: number; externalBytes: number }> {
  const text = await (await fetch(`${relay.url}/metrics`)).text();
  return {
    rssBytes: metric(text, "process_resident_memory_bytes"),
    heapUsedBytes: metric(text, "nodejs_heap_size_used_bytes"),
    externalBytes: metric(text, "nodejs_external_memory_bytes"),
  };
}
