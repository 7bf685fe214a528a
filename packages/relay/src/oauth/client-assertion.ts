import { verifySignature } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import type { AssertionJtiLedger } from "./assertion-jti-ledger.ts";
import type { ClientKey } from "./client-document.ts";
import type { ClientDocuments } from "./client-documents.ts";
import { isEd25519Alg, splitCompactJws } from "./jose-parts.ts";

/** Longest assertion lifetime accepted, `exp - iat` (docs/oauth.md 2.1). */
export const MAX_ASSERTION_SECONDS = 300;
/** How far ahead of the relay's clock an assertion's `iat` may be. */
export const ASSERTION_CLOCK_SKEW_SECONDS = 60;
const MAX_ASSERTION_BYTES = 8192;
const HEADER_MEMBERS = new Set(["alg", "typ", "kid"]);

/** An assertion whose signature, audience, lifetime and `jti` passed. */
export interface VerifiedAssertion {
  /**
   * The actor: the agent's DID (`iss`, `sub` and `client_id`, or the agent named by this relay's
   * own client document URL), or the `client_id` URL of a foreign client.
   */
  agent: string;
  /** The public key that signed the assertion. */
  agentKey: Uint8Array;
  jti: string;
  iat: number;
  /** The assertion exactly as received. */
  compact: string;
}

/** What {@link verifyAssertion} checks an assertion against. */
export interface AssertionExpectations {
  /** The relay's issuer, the one `aud` accepted. */
  issuer: string;
  now: number;
  /** `client_id`, when the request sent one: `iss` must equal it. */
  clientId?: string;
  /** Single use of (`iss`, `jti`) over the assertion lifetime, across relays sharing the store. */
  replay: AssertionJtiLedger;
  /** Resolves `iss` to its keys: a DID, or a client ID metadata document URL. */
  clients: ClientDocuments;
}

/**
 * Verifies a private_key_jwt client assertion or a jwt-bearer grant (RFC 7523 section 3) signed by
 * an agent's registered key, in this order: shape, `alg` (EdDSA only), claims, `aud`, the agent,
 * the signature, lifetime, then `jti` single use (after the signature, so nobody can burn another
 * agent's `jti`). Throws ERR_ASSERTION_INVALID, ERR_ASSERTION_ALG_UNSUPPORTED,
 * ERR_ASSERTION_AUDIENCE_MISMATCH, ERR_CLIENT_UNKNOWN, ERR_CLIENT_METADATA_UNREACHABLE,
 * ERR_CLIENT_METADATA_INVALID, ERR_ASSERTION_EXPIRED, ERR_ASSERTION_REPLAYED or
 * ERR_NOT_SUPPORTED (a document with `jwks_uri`).
 *
 * @example
 * const { agent } = await verifyAssertion(context, assertion, { issuer, now, replay, clients });
 */
export async function verifyAssertion(
  context: RelayContext,
  assertion: string,
  expected: AssertionExpectations,
): Promise<VerifiedAssertion> {
  const parts = splitCompactJws(assertion, MAX_ASSERTION_BYTES, "ERR_ASSERTION_INVALID");
  checkHeader(parts.header);

  const claims = readClaims(parts.claims);
  if (expected.clientId !== undefined && expected.clientId !== claims.iss) {
    throw invalid("iss: not the client_id");
  }
  if (!audienceNames(claims.aud, expected.issuer)) {
    throw new RelayError("ERR_ASSERTION_AUDIENCE_MISMATCH", "aud: not this relay's issuer");
  }

  const client = await expected.clients.resolve(context, claims.iss);
  const agentKey = signingKey(client.keys, parts.header.kid, parts);
  if (agentKey === undefined) throw invalid("signature: invalid");

  checkLifetime(claims, expected.now);
  // Kept past `exp` by the clock skew allowed, for relays whose clocks differ a little.
  const keepUntil = claims.exp + ASSERTION_CLOCK_SKEW_SECONDS;
  if (!(await expected.replay.use(`${claims.iss}:${claims.jti}`, keepUntil, expected.now))) {
    throw new RelayError("ERR_ASSERTION_REPLAYED", "jti: this assertion was already used");
  }
  return { agent: client.actor, agentKey, jti: claims.jti, iat: claims.iat, compact: assertion };
}

// RFC 8725 section 3.1: the algorithm is fixed by the key type, never chosen by the token, and
// the key never comes from the header.
function checkHeader(header: Record<string, unknown>): void {
  if (!isEd25519Alg(header.alg)) {
    throw new RelayError("ERR_ASSERTION_ALG_UNSUPPORTED", "header.alg: expected EdDSA or Ed25519");
  }
  for (const name of Object.keys(header)) {
    if (!HEADER_MEMBERS.has(name)) throw invalid(`header.${name}: not allowed`);
  }
  if (header.typ !== undefined && header.typ !== "JWT") throw invalid("header.typ: expected JWT");
}

interface AssertionClaims {
  iss: string;
  aud: unknown;
  exp: number;
  iat: number;
  jti: string;
}

function readClaims(claims: Record<string, unknown>): AssertionClaims {
  const { iss, sub, aud, exp, iat, jti } = claims;
  if (typeof iss !== "string" || iss.length === 0) throw invalid("iss: required");
  if (sub !== iss) throw invalid("sub: expected the same agent as iss");
  if (!Number.isSafeInteger(exp)) throw invalid("exp: an integer time is required");
  if (!Number.isSafeInteger(iat)) throw invalid("iat: an integer time is required");
  if (typeof jti !== "string" || jti.length < 1 || jti.length > 128) {
    throw invalid("jti: 1 to 128 characters");
  }
  return { iss, aud, exp: exp as number, iat: iat as number, jti };
}

function audienceNames(aud: unknown, issuer: string): boolean {
  if (typeof aud === "string") return aud === issuer;
  return Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === "string")
    ? aud.includes(issuer)
    : false;
}

// The key that verifies the signature: the one `kid` names (by the document's name or the
// thumbprint), else each listed key in turn (a document lists at most 8).
function signingKey(
  keys: readonly ClientKey[],
  kid: unknown,
  parts: { signature: Uint8Array; signingInput: Uint8Array },
): Uint8Array | undefined {
  const named =
    typeof kid === "string" ? keys.filter((k) => k.kid === kid || k.thumbprint === kid) : keys;
  return named.find((k) => verifySignature(parts.signature, parts.signingInput, k.publicKey))
    ?.publicKey;
}

function checkLifetime(claims: AssertionClaims, now: number): void {
  if (claims.exp <= now) throw new RelayError("ERR_ASSERTION_EXPIRED", "exp: in the past");
  if (claims.iat > now + ASSERTION_CLOCK_SKEW_SECONDS) throw invalid("iat: in the future");
  if (claims.exp - claims.iat > MAX_ASSERTION_SECONDS) {
    throw invalid(`exp: more than ${MAX_ASSERTION_SECONDS} s after iat`);
  }
}

function invalid(message: string): RelayError {
  return new RelayError("ERR_ASSERTION_INVALID", message);
}
