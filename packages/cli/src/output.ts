import { CLI_ERROR_CODES, type CliErrorCode } from "./cli-error.ts";

/** How a command prints: JSON for scripts (`--json`), plain lines for people. */
export interface OutputMode {
  json: boolean;
}

/**
 * Prints a command's result: one JSON document on stdout with `--json`, else the human lines.
 *
 * @example
 * printResult({ json: false }, { id }, [id]);
 */
export function printResult(mode: OutputMode, result: object, lines: readonly string[]): void {
  if (mode.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(lines.map((line) => `${line}\n`).join(""));
}

/**
 * Prints a note for people on stderr, so stdout stays the result alone.
 *
 * @example
 * printNote("keystore written to /home/a/.ants/identity.age");
 */
export function printNote(text: string): void {
  process.stderr.write(`ants: ${text}\n`);
}

/**
 * The one error printer: `{"error":{"code","message"}}` on stdout with `--json`, else one
 * readable line on stderr. Never a stack trace. Returns the code it reported.
 *
 * @example
 * const code = printError({ json: true }, error); // {"error":{"code":"ERR_KEYSTORE_EXISTS",...}}
 */
export function printError(mode: OutputMode, error: unknown): CliErrorCode {
  const { code, message } = describe(error);
  if (mode.json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`ants: ${message} (${code})\n`);
  return code;
}

function describe(error: unknown): { code: CliErrorCode; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === "string" && (CLI_ERROR_CODES as readonly string[]).includes(code)) {
    return { code: code as CliErrorCode, message };
  }
  return { code: "ERR_INTERNAL", message: `unexpected failure: ${message}` };
}
