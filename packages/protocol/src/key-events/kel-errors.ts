import type { ProtocolErrorCode } from "../errors/error-codes.ts";
import { isProtocolError, ProtocolError } from "../errors/protocol-error.ts";

/** Where in a log a failure is: `events[2]`, `events[2].approvals[0]`. */
export type KelPlace = { readonly index: number; readonly field: string };

/**
 * A key event log failure for the event at `place.index`; `details.index` carries it for
 * callers that report which event failed.
 *
 * @example
 * throw kelError("ERR_KEL_CHAIN_BROKEN", place, "p: not the hash of the previous event");
 */
export function kelError(
  code: ProtocolErrorCode,
  place: KelPlace,
  message: string,
  cause?: unknown,
): ProtocolError {
  return new ProtocolError(code, `${place.field}: ${message}`, {
    cause,
    details: { index: place.index },
  });
}

// Failures of the shared JWS layer that mean "not signed by that key" rather than "bad shape".
const SIGNATURE_CODES = new Set<string>(["ERR_SIGNATURE_INVALID", "ERR_JWS_KID_MISMATCH"]);

/**
 * Runs one step on one event and restates a failure of the shared token layer in the key
 * event log's codes (docs/spec/key-events.md 4.3): a signature or `kid` failure becomes
 * ERR_KEL_SIGNATURE_INVALID, any other parse or claim failure ERR_KEL_MALFORMED, with the
 * original code kept as `details.reason`. ERR_KEL_* failures pass unchanged.
 *
 * @example
 * const jws = withinEvent(place, () => parseCompactJws(token, { typ, maxBytes }));
 */
export function withinEvent<T>(place: KelPlace, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!isProtocolError(error) || error.code.startsWith("ERR_KEL_")) throw error;
    const code = SIGNATURE_CODES.has(error.code)
      ? "ERR_KEL_SIGNATURE_INVALID"
      : "ERR_KEL_MALFORMED";
    throw new ProtocolError(code, `${place.field}: ${error.message}`, {
      cause: error,
      details: { index: place.index, reason: error.code },
    });
  }
}
