import type { ProtocolErrorCode } from "./error-codes.ts";

/**
 * The one error type of the protocol package. `code` is stable and machine-readable; `message`
 * is short, lower-case, names the field and says expected versus got, and never holds key
 * bytes, a seed or a whole token.
 *
 * @example
 * throw new ProtocolError("ERR_CMD_MALFORMED", "cmd: expected a slash path, got \"twitter\"");
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  readonly code: ProtocolErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ProtocolErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True when `error` is a ProtocolError, optionally with the given code. */
export function isProtocolError(error: unknown, code?: ProtocolErrorCode): error is ProtocolError {
  return error instanceof ProtocolError && (code === undefined || error.code === code);
}
