import { isProtocolError } from "@ants/protocol";
import type { ClientErrorCode } from "./client-error-codes.ts";

/**
 * The one error type of the client package. `code` is stable; a ProtocolError raised underneath
 * keeps its code and becomes the `cause`. Messages are short, lower-case, and never hold a seed,
 * a passphrase or key bytes.
 *
 * @example
 * throw new ClientError("ERR_KEYSTORE_EXISTS", "keystore: /home/a/.ants/identity.age exists");
 */
export class ClientError extends Error {
  override readonly name = "ClientError";
  readonly code: ClientErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ClientErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/**
 * True when `error` is a ClientError, optionally with the given code.
 *
 * @example
 * if (isClientError(error, "ERR_KEYSTORE_PASSPHRASE_WRONG")) retryPrompt();
 */
export function isClientError(error: unknown, code?: ClientErrorCode): error is ClientError {
  return error instanceof ClientError && (code === undefined || error.code === code);
}

/**
 * Runs `operation` and rethrows a ProtocolError as a ClientError with the same code and message.
 *
 * @example
 * const seed = await withClientErrors(() => decryptSeed(file, passphrase));
 */
export async function withClientErrors<T>(operation: () => Promise<T> | T): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isProtocolError(error)) {
      throw new ClientError(error.code, error.message, { cause: error, details: error.details });
    }
    throw error;
  }
}
