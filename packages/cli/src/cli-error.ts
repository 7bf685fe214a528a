import { CLIENT_ERROR_CODES } from "@ants/client";

/**
 * The closed list of codes the CLI reports: every client (and so every protocol) code, plus
 * the CLI's own for bad command lines and for failures nobody coded.
 */
export const CLI_ERROR_CODES = [...CLIENT_ERROR_CODES, "ERR_USAGE", "ERR_INTERNAL"] as const;

/** One of the CLI's stable error codes. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/**
 * The CLI's one error type, for failures that start in the CLI itself (a bad option value).
 *
 * @example
 * throw new CliError("ERR_USAGE", "--seed-file: expected 64 hex digits");
 */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
