import { ProtocolError } from "../errors/protocol-error.ts";
import { normalizeHandle } from "../handles/normalize-handle.ts";
import {
  assertOnlyMembers,
  type Claims,
  isDid,
  isTokenHash,
  readDid,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";

/** The kinds of the revocation log (docs/spec/revocation.md 1). */
export const REVOCATION_KINDS = ["key", "token", "issuer-epoch", "handle", "session"] as const;

/** One kind of the revocation log. */
export type RevocationLogKind = (typeof REVOCATION_KINDS)[number];

/** The claims of a revocation request (`typ: ants-rev+jwt`, docs/spec/revocation.md 2.2). */
export interface RevocationRequestClaims {
  /** The revoker's DID; its key signs the request. */
  readonly iss: string;
  /** The relay's DID. */
  readonly aud: string;
  readonly kind: RevocationLogKind;
  /** Key id (RFC 7638 thumbprint), token hash, issuer DID, canonical handle or session id. */
  readonly target: string;
  /** Free text, 1 to 256 characters, for people reading the log. */
  readonly reason?: string;
  /** `key` only: the agent whose key it is, when the revoker is not that agent. */
  readonly sub?: string;
  /** `key` only: when the key is believed compromised (Unix seconds). */
  readonly compromisedSince?: number;
  /** `issuer-epoch` only: tokens of the issuer first seen before this time are refused. */
  readonly epoch?: number;
  readonly iat: number;
  readonly jti: string;
}

/** Longest `reason`, in UTF-16 code units. */
export const MAX_REVOCATION_REASON_LENGTH = 256;

const BASE_MEMBERS = ["iss", "aud", "kind", "target", "reason", "iat", "jti"];
const KIND_MEMBERS: Record<RevocationLogKind, readonly string[]> = {
  key: ["sub", "compromisedSince"],
  token: [],
  "issuer-epoch": ["epoch"],
  handle: [],
  session: [],
};

function invalid(field: string, expected: string): never {
  throw new ProtocolError("ERR_REVOCATION_INVALID", `${field}: expected ${expected}`);
}

/**
 * Checks a revocation request's payload against docs/spec/revocation.md 2.2: only the members of
 * its kind, each of the right shape, the target in the form its kind names. Throws
 * ERR_REVOCATION_INVALID for a kind, target or kind member out of place, and
 * ERR_TOKEN_CLAIM_INVALID for a malformed base claim (iss, aud, iat, jti).
 *
 * @example
 * const claims = readRevocationClaims(jws.payload);
 * claims.kind; // "token"
 */
export function readRevocationClaims(payload: Claims): RevocationRequestClaims {
  const kind = payload.kind;
  if (typeof kind !== "string" || !(REVOCATION_KINDS as readonly string[]).includes(kind)) {
    invalid("kind", REVOCATION_KINDS.join(", "));
  }
  const own = KIND_MEMBERS[kind as RevocationLogKind];
  try {
    assertOnlyMembers(payload, new Set([...BASE_MEMBERS, ...own]), "revocation");
  } catch (error) {
    throw new ProtocolError("ERR_REVOCATION_INVALID", (error as Error).message);
  }
  const claims: RevocationRequestClaims = {
    iss: readDid(payload.iss, "iss"),
    aud: readDid(payload.aud, "aud"),
    kind: kind as RevocationLogKind,
    target: readTarget(kind as RevocationLogKind, payload.target),
    ...readReason(payload.reason),
    ...readKindMembers(kind as RevocationLogKind, payload),
    iat: readTime(payload.iat, "iat"),
    jti: readJti(payload.jti),
  };
  return claims;
}

/**
 * Checks that a target has the form its kind names (docs/spec/revocation.md 1) and returns it.
 * Throws ERR_REVOCATION_INVALID.
 *
 * @example
 * readTarget("handle", "kevin"); // "kevin"
 */
export function readTarget(kind: RevocationLogKind, target: unknown): string {
  if (typeof target !== "string") invalid("target", "a string");
  if (kind === "issuer-epoch") {
    if (!isDid(target)) invalid("target", "the issuer's DID");
    return target;
  }
  if (kind === "handle") {
    if (!isCanonicalHandle(target)) invalid("target", "a handle in canonical form");
    return target;
  }
  if (!isTokenHash(target)) invalid("target", `a ${kind} id of 43 base64url characters`);
  return target;
}

function isCanonicalHandle(text: string): boolean {
  try {
    return normalizeHandle(text) === text;
  } catch {
    return false;
  }
}

function readReason(value: unknown): { reason?: string } {
  if (value === undefined) return {};
  if (
    typeof value !== "string" ||
    value.length < 1 ||
    value.length > MAX_REVOCATION_REASON_LENGTH
  ) {
    invalid("reason", `1 to ${MAX_REVOCATION_REASON_LENGTH} characters`);
  }
  return { reason: value };
}

function readKindMembers(
  kind: RevocationLogKind,
  payload: Claims,
): Partial<RevocationRequestClaims> {
  if (kind === "issuer-epoch") {
    if (payload.epoch === undefined) invalid("epoch", "a time (required for issuer-epoch)");
    return { epoch: readTime(payload.epoch, "epoch") };
  }
  if (kind !== "key") return {};
  return {
    ...(payload.sub === undefined ? {} : { sub: readDid(payload.sub, "sub") }),
    ...(payload.compromisedSince === undefined
      ? {}
      : { compromisedSince: readTime(payload.compromisedSince, "compromisedSince") }),
  };
}
