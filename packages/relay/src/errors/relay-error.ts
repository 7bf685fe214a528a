import type { ProtocolErrorCode } from "@ants/protocol";

/**
 * Every code a relay answer can carry. The relay's HTTP API codes live in the protocol's closed
 * list, since agents and resource servers read them too; protocol codes pass through unchanged.
 */
export type RelayErrorCode = ProtocolErrorCode;

/**
 * The one error type of the relay package. `code` is stable and maps to an HTTP status in one
 * table; `message` is short, lower-case, names the field, and never holds a token or key.
 *
 * @example
 * throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: no agent with this id");
 */
export class RelayError extends Error {
  override readonly name = "RelayError";
  readonly code: RelayErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: RelayErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True when `error` is a RelayError, optionally with the given code.
 *
 * @example
 * if (isRelayError(error, "ERR_AGENT_EXISTS")) return existing;
 */
export function isRelayError(error: unknown, code?: RelayErrorCode): error is RelayError {
  return error instanceof RelayError && (code === undefined || error.code === code);
}
