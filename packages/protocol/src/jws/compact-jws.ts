import { ProtocolError } from "../errors/protocol-error.ts";
import { LruCache } from "../internal/lru-cache.ts";
import { type JsonValue, parseStrictJsonBytes } from "../json/strict-json.ts";
import { decodeSegment } from "./segment.ts";
import type { TokenTyp } from "./token-types.ts";

/** A compact JWS whose structure and header passed every check of spec 4.3 steps 1 to 12. */
export interface ParsedJws {
  /** The token exactly as received. */
  readonly compact: string;
  readonly typ: TokenTyp;
  /** RFC 7638 thumbprint of the key the header says signed it; not yet checked. */
  readonly kid: string;
  readonly payload: { readonly [name: string]: JsonValue };
  /** ASCII bytes of `header "." payload`, the Ed25519 message. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
}

/** Options for {@link parseCompactJws}. */
export interface ParseJwsOptions {
  /** The one `typ` accepted. */
  typ: TokenTyp;
  /** Largest size accepted, in bytes. */
  maxBytes: number;
}

const SIGNATURE_BYTES = 64;
const KID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const HEADER_KEY_MEMBERS = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256"];
const ALLOWED_HEADER_MEMBERS = new Set(["alg", "typ", "kid"]);

interface CheckedHeader {
  typ: unknown;
  kid: string;
}

// Tokens from one signer share one header segment; parsing it once saves a decode and a JSON
// parse per token on the hot path. Failures are cached too, as the same bytes fail the same way.
const headers = new LruCache<string, CheckedHeader | ProtocolError>(4096);

/**
 * Parses a compact JWS strictly, in the order of docs/spec/tokens.md section 4.3 (steps 1 to
 * 12). Does not verify the signature: see `verifyJwsSignature`. Throws ProtocolError with
 * ERR_TOKEN_TOO_LARGE, ERR_NOT_SUPPORTED, ERR_JWS_*, ERR_BASE64URL_INVALID, ERR_JSON_*,
 * ERR_NUMBER_UNSAFE, ERR_TOKEN_CLAIM_INVALID or ERR_SIGNATURE_INVALID.
 *
 * @example
 * const jws = parseCompactJws(token, { typ: "ants-dlg+jwt", maxBytes: 8192 });
 * jws.payload.iss; // "did:key:z6Mk..."
 */
export function parseCompactJws(compact: unknown, options: ParseJwsOptions): ParsedJws {
  if (typeof compact !== "string")
    throw new ProtocolError("ERR_JWS_MALFORMED", "token: expected a string");
  if (exceedsBytes(compact, options.maxBytes)) {
    throw new ProtocolError("ERR_TOKEN_TOO_LARGE", `token: larger than ${options.maxBytes} bytes`);
  }
  if (compact.startsWith("{")) {
    throw new ProtocolError(
      "ERR_NOT_SUPPORTED",
      "token: the JWS JSON serialization is not supported",
    );
  }
  const first = compact.indexOf(".");
  const second = compact.indexOf(".", first + 1);
  if (first <= 0 || second < 0 || second === first + 1 || compact.indexOf(".", second + 1) >= 0) {
    throw new ProtocolError("ERR_JWS_MALFORMED", "token: expected header.payload.signature");
  }
  const header = checkedHeader(compact.slice(0, first));
  if (header.typ !== options.typ) {
    throw new ProtocolError("ERR_JWS_TYP_MISMATCH", `header.typ: expected ${options.typ}`);
  }
  const payload = parseJsonSegment(compact.slice(first + 1, second), "payload");
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new ProtocolError("ERR_TOKEN_CLAIM_INVALID", "payload: expected a JSON object");
  }
  const signature = decodeSegment(compact.slice(second + 1), "signature");
  if (signature.length !== SIGNATURE_BYTES) {
    throw new ProtocolError("ERR_SIGNATURE_INVALID", "signature: invalid");
  }
  return {
    compact,
    typ: options.typ,
    kid: header.kid,
    payload,
    signingInput: Buffer.from(compact.slice(0, second), "latin1"),
    signature,
  };
}

function checkedHeader(segment: string): CheckedHeader {
  let entry = headers.get(segment);
  if (entry === undefined) {
    try {
      entry = checkHeader(segment);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      entry = error;
    }
    headers.set(segment, entry);
  }
  if (entry instanceof ProtocolError) throw entry;
  return entry;
}

// Spec 4.3 steps 4 to 9, in order; step 10 (typ) depends on the caller.
function checkHeader(segment: string): CheckedHeader {
  const header = parseJsonSegment(segment, "header");
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new ProtocolError("ERR_JWS_MALFORMED", "header: expected a JSON object");
  }
  // The algorithm comes from the key type; anything but the one spelling is refused, so
  // "none", HS256 signed with a public key, and case variants never reach a verifier.
  if (header.alg !== "EdDSA") {
    throw new ProtocolError("ERR_JWS_ALG_UNSUPPORTED", "header.alg: expected EdDSA");
  }
  for (const member of HEADER_KEY_MEMBERS) {
    if (Object.hasOwn(header, member)) {
      throw new ProtocolError("ERR_JWS_HEADER_KEY_FORBIDDEN", `header.${member}: not accepted`);
    }
  }
  if (Object.hasOwn(header, "crit")) {
    throw new ProtocolError("ERR_JWS_CRIT_UNSUPPORTED", "header.crit: not supported");
  }
  for (const member of Object.keys(header)) {
    if (!ALLOWED_HEADER_MEMBERS.has(member)) {
      throw new ProtocolError("ERR_JWS_MALFORMED", `header.${member.slice(0, 32)}: not accepted`);
    }
  }
  if (!Object.hasOwn(header, "kid"))
    throw new ProtocolError("ERR_JWS_KID_MISSING", "header.kid: missing");
  if (typeof header.kid !== "string" || !KID_PATTERN.test(header.kid)) {
    throw new ProtocolError("ERR_JWS_MALFORMED", "header.kid: expected a JWK thumbprint");
  }
  return { typ: header.typ, kid: header.kid };
}

function parseJsonSegment(segment: string, field: string): JsonValue {
  return parseStrictJsonBytes(decodeSegment(segment, field), { field });
}

/**
 * True when `text` is longer than `maxBytes` in UTF-8. A UTF-16 unit is at most 3 UTF-8 bytes,
 * so the byte count is only computed for strings that could exceed the limit.
 *
 * @example
 * exceedsBytes("é".repeat(5), 8); // true: 10 bytes
 */
export function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  return text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes;
}
