import {
  isProtocolError,
  jwkThumbprint,
  MAX_CLOCK_SKEW_SECONDS,
  publicKeyFromJwk,
  verifySignature,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { ReplayGuard } from "../sessions/replay-guard.ts";
import { isEd25519Alg, splitCompactJws } from "./jose-parts.ts";

const MAX_PROOF_BYTES = 8192;
const HEADER_MEMBERS = ["typ", "alg", "jwk"];
const CLAIM_MEMBERS = ["jti", "htm", "htu", "iat"];
/**
 * `nonce` may ride along: clients that cache the `DPoP-Nonce` every answer carries send it. The
 * token endpoint does not rely on nonces (its proofs' `jti`s are remembered), so it is not checked.
 */
const OPTIONAL_CLAIMS = ["nonce"];

/** What the token endpoint expects of a proof. */
export interface TokenProofExpectations {
  /** The token endpoint's URI, `htu`. */
  url: string;
  now: number;
  /** Single use of (thumbprint, `jti`) within the clock-skew window. */
  replay: ReplayGuard;
}

/**
 * Verifies the DPoP proof of a token request (RFC 9449 section 4.3): `typ` dpop+jwt, `alg`
 * EdDSA, the public key in `jwk`, exactly `jti`, `htm` POST, `htu` the token endpoint, `iat`
 * within 60 s, no `ath` (there is no token yet), a valid signature, and a `jti` not seen before.
 * Returns the key's RFC 7638 thumbprint, the token's `cnf.jkt`. Throws ERR_DPOP_MISSING,
 * ERR_DPOP_INVALID, ERR_DPOP_METHOD_MISMATCH, ERR_DPOP_URL_MISMATCH, ERR_DPOP_CLOCK_SKEW or
 * ERR_DPOP_REPLAYED.
 *
 * @example
 * const jkt = verifyTokenProof(request.headers.dpop, { url, now, replay });
 */
export function verifyTokenProof(proof: unknown, expected: TokenProofExpectations): string {
  if (proof === undefined) throw new RelayError("ERR_DPOP_MISSING", "dpop: header required");
  if (typeof proof !== "string") throw invalid("expected one DPoP header");
  const parts = splitCompactJws(proof, MAX_PROOF_BYTES, "ERR_DPOP_INVALID");
  exactMembers(parts.header, HEADER_MEMBERS, "header");
  exactMembers(parts.claims, CLAIM_MEMBERS, "payload", OPTIONAL_CLAIMS);
  if (parts.header.typ !== "dpop+jwt") throw invalid("header.typ: expected dpop+jwt");
  if (!isEd25519Alg(parts.header.alg)) throw invalid("header.alg: expected EdDSA or Ed25519");
  const key = keyOf(parts.header.jwk);
  if (!verifySignature(parts.signature, parts.signingInput, key))
    throw invalid("signature invalid");

  const { jti, htm, htu, iat } = parts.claims;
  if (typeof jti !== "string" || jti.length < 1 || jti.length > 64) throw invalid("jti: 1 to 64");
  if (htm !== "POST") throw new RelayError("ERR_DPOP_METHOD_MISMATCH", "dpop.htm: expected POST");
  if (htu !== expected.url) {
    throw new RelayError("ERR_DPOP_URL_MISMATCH", "dpop.htu: not the token endpoint");
  }
  if (
    !Number.isSafeInteger(iat) ||
    Math.abs(expected.now - (iat as number)) > MAX_CLOCK_SKEW_SECONDS
  ) {
    throw new RelayError(
      "ERR_DPOP_CLOCK_SKEW",
      `dpop.iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`,
    );
  }

  const jkt = jwkThumbprint(key);
  if (!expected.replay.checkAndRemember(`${jkt}:${jti}`, expected.now)) {
    throw new RelayError("ERR_DPOP_REPLAYED", "dpop.jti: this proof was already used");
  }
  return jkt;
}

function exactMembers(
  value: Record<string, unknown>,
  members: string[],
  field: string,
  optional: string[] = [],
): void {
  const names = Object.keys(value).filter((name) => !optional.includes(name));
  if (names.length !== members.length || !names.every((name) => members.includes(name))) {
    throw invalid(`${field}: expected exactly ${members.join(", ")}`);
  }
  for (const name of optional) {
    const member = value[name];
    if (member !== undefined && (typeof member !== "string" || member.length > 256)) {
      throw invalid(`${field}.${name}: expected a string of at most 256 characters`);
    }
  }
}

function keyOf(jwk: unknown): Uint8Array {
  try {
    return publicKeyFromJwk(jwk);
  } catch (cause) {
    if (isProtocolError(cause)) throw invalid(`jwk: ${cause.message}`);
    throw cause;
  }
}

function invalid(message: string): RelayError {
  return new RelayError("ERR_DPOP_INVALID", `dpop: ${message}`);
}
