import { STATUS_CODES } from "node:http";
import { PROTOCOL_ERROR_CODES } from "@ants/protocol";
import { httpStatusForCode } from "../errors/http-status.ts";
import type { RelayErrorCode } from "../errors/relay-error.ts";
import { RelayError } from "../errors/relay-error.ts";
import { translateFrameworkError } from "./framework-errors.ts";

/** An RFC 9457 problem details body with the stable `code` extension member. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: RelayErrorCode;
  /** For an ERR_REVOKED_* refusal: the sequence number of the revocation behind it. */
  revocation?: number;
}

/** RFC 9457 section 3.1.1: a URI naming the problem type; a URN needs no hosted page. */
const PROBLEM_TYPE_PREFIX = "urn:ants:error:";

const KNOWN_CODES: ReadonlySet<string> = new Set(PROTOCOL_ERROR_CODES);

/**
 * Turns anything thrown while serving a request into a coded error: the relay's and the
 * protocol's errors keep their code, framework errors (bad JSON, size cap, schema) get a stable
 * code, and everything else is an internal error whose message is never shown.
 *
 * @example
 * const coded = toCodedError(new SyntaxError("x")); // RelayError ERR_INTERNAL
 */
export function toCodedError(error: unknown): RelayError {
  if (error instanceof RelayError) return error;
  if (hasKnownCode(error)) {
    return new RelayError(error.code, error.message, { cause: error, details: error.details });
  }
  return translateFrameworkError(error) ?? new RelayError("ERR_INTERNAL", "internal error");
}

/**
 * Builds the RFC 9457 body for a coded error. The title is fixed per status, as RFC 9457
 * section 3.1.3 asks; `detail` is the error's own short message.
 *
 * @example
 * toProblemDetails(new RelayError("ERR_AGENT_NOT_FOUND", "agent: not registered"));
 * // { type: "urn:ants:error:ERR_AGENT_NOT_FOUND", title: "Not Found", status: 404, ... }
 */
export function toProblemDetails(error: RelayError): ProblemDetails {
  const status = httpStatusForCode(error.code);
  const seq = error.details?.seq;
  return {
    type: PROBLEM_TYPE_PREFIX + error.code,
    title: STATUS_CODES[status] ?? "Error",
    status,
    detail: error.code === "ERR_INTERNAL" ? "internal error" : error.message,
    code: error.code,
    ...(error.code.startsWith("ERR_REVOKED_") && Number.isSafeInteger(seq)
      ? { revocation: seq as number }
      : {}),
  };
}

function hasKnownCode(
  error: unknown,
): error is { code: RelayErrorCode; message: string; details?: Record<string, unknown> } {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && KNOWN_CODES.has(code);
}
