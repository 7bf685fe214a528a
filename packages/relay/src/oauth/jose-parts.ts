import { decodeBase64url, isProtocolError, parseStrictJsonBytes } from "@ants/protocol";
import { RelayError, type RelayErrorCode } from "../errors/relay-error.ts";

/** A compact JWS split into its decoded parts; nothing is verified yet. */
export interface JwsParts {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** ASCII bytes of `header "." payload`, the Ed25519 message. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

/**
 * Splits a compact JWS of at most `maxBytes` and decodes its header and payload as strict JSON
 * objects (duplicate members refused). Every failure throws `code`, so a caller learns one thing
 * about a bad token: it is bad.
 *
 * @example
 * const { header, claims } = splitCompactJws(assertion, 8192, "ERR_ASSERTION_INVALID");
 */
export function splitCompactJws(text: string, maxBytes: number, code: RelayErrorCode): JwsParts {
  if (text.length > maxBytes) throw new RelayError(code, `token: larger than ${maxBytes} bytes`);
  const parts = text.split(".");
  if (parts.length !== 3) throw new RelayError(code, "token: expected header.payload.signature");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  return {
    header: decodeObject(headerPart, "header", code),
    claims: decodeObject(payloadPart, "payload", code),
    signingInput: Buffer.from(`${headerPart}.${payloadPart}`, "ascii"),
    signature: decodeOrThrow(() => decodeBase64url(signaturePart, "signature"), code),
  };
}

function decodeObject(part: string, field: string, code: RelayErrorCode): Record<string, unknown> {
  const value = decodeOrThrow(
    () => parseStrictJsonBytes(decodeBase64url(part, field), { field }),
    code,
  );
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new RelayError(code, `${field}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

function decodeOrThrow<T>(operation: () => T, code: RelayErrorCode): T {
  try {
    return operation();
  } catch (cause) {
    if (isProtocolError(cause)) throw new RelayError(code, `token: ${cause.message}`, { cause });
    throw cause;
  }
}

/**
 * True for the two names of Ed25519 signatures a JWS may carry: `EdDSA` (RFC 8037) and the
 * fully-specified `Ed25519` (RFC 9864), which clients such as oauth4webapi send for Ed25519 keys.
 * Both mean the same algorithm over the same key type, so accepting both lets no token choose
 * anything else.
 *
 * @example
 * isEd25519Alg("Ed25519"); // true
 * isEd25519Alg("HS256"); // false
 */
export function isEd25519Alg(alg: unknown): boolean {
  return alg === "EdDSA" || alg === "Ed25519";
}
