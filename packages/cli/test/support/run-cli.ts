// Runs the `ants` CLI for tests, two ways. A start of the real binary costs about a second of
// CPU (tsx loading the workspace), so only cases that need a process of their own (exit status,
// no terminal, no stack trace, help) run it; the rest call the same `main` the binary calls, in
// this process, one at a time. Every run gets a fresh HOME.
import { execFile } from "node:child_process";
import { appendFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { testLogFile } from "../../../relay/test/helpers/test-log.ts";
import { main } from "../../src/main.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "ants.js");
const run = promisify(execFile);
const ENV_NAMES = ["HOME", "ANTS_HOME", "ANTS_PASSPHRASE", "ANTS_PASSPHRASE_FILE"] as const;
/** With ANTS_TEST_LOG_DIR set, what the CLI writes to stderr goes to a file for the secret scan. */
const STDERR_LOG = testLogFile("cli-stderr");

function kept(result: Result): Result {
  if (STDERR_LOG !== undefined && result.stderr !== "") {
    appendFileSync(STDERR_LOG, result.stderr.endsWith("\n") ? result.stderr : `${result.stderr}\n`);
  }
  return result;
}

/** What one run printed and its exit status. */
export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

async function testEnv(env: Record<string, string>): Promise<Record<string, string>> {
  return { HOME: await freshHome(), ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS: "4", ...env };
}

/** Runs the real binary with a cheap scrypt work factor and no terminal on stdin. */
export async function antsBinary(
  args: string[],
  env: Record<string, string> = {},
): Promise<Result> {
  const fullEnv = { PATH: process.env.PATH ?? "", ...(await testEnv(env)) };
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: fullEnv });
    return kept({ status: 0, stdout, stderr });
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return kept({ status: failed.code, stdout: failed.stdout, stderr: failed.stderr });
  }
}

let turn: Promise<unknown> = Promise.resolve();

/**
 * Runs `main` as the binary would, with `env` in place of the environment and its output
 * captured. Calls are queued, since the environment and the output streams are process-wide.
 */
export function ants(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const next = turn.then(async () => runMain(args, await testEnv(env)));
  turn = next.catch(() => undefined);
  return next;
}

function capture(append: (chunk: string) => void): typeof process.stdout.write {
  return ((chunk: string | Uint8Array) => {
    append(String(chunk));
    return true;
  }) as typeof process.stdout.write;
}

async function runMain(args: string[], env: Record<string, string>): Promise<Result> {
  const saved = { ...process.env };
  for (const name of ENV_NAMES) delete process.env[name];
  Object.assign(process.env, env);
  const out = { stdout: "", stderr: "" };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  process.stdout.write = capture((chunk) => {
    out.stdout += chunk;
  });
  process.stderr.write = capture((chunk) => {
    out.stderr += chunk;
  });
  try {
    const status = await main(args);
    return kept({ status, ...out });
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    for (const name of Object.keys(process.env)) {
      if (!Object.hasOwn(saved, name)) delete process.env[name];
    }
    Object.assign(process.env, saved);
  }
}

/** A new empty directory. */
export function freshHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "ants-cli-"));
}

/**
 * `args` with `options` added before a `--` separator when there is one, so options a helper
 * adds (such as `--home`) are still read as options when operands follow `--` (a hash that
 * begins with "-").
 *
 * @example
 * withOptions(["approve", "--", hash], ["--home", home]); // ["approve", "--home", home, "--", hash]
 */
export function withOptions(args: readonly string[], options: readonly string[]): string[] {
  const end = args.indexOf("--");
  return end < 0 ? [...args, ...options] : [...args.slice(0, end), ...options, ...args.slice(end)];
}
