import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";

/** A decoded JWT-style payload. */
export type Claims = { readonly [name: string]: JsonValue };

const DID_PATTERN = /^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/;
const MAX_DID_LENGTH = 256;
const HASH_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MAX_JTI_LENGTH = 64;

function invalid(field: string, expected: string): never {
  throw new ProtocolError("ERR_TOKEN_CLAIM_INVALID", `${field}: expected ${expected}`);
}

/**
 * Refuses a payload member outside `allowed` (spec 2: unknown conditions fail closed).
 * Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * assertOnlyMembers(payload, new Set(["iss", "inv", "iat", "jti"]), "approval");
 */
export function assertOnlyMembers(claims: Claims, allowed: ReadonlySet<string>, kind: string) {
  for (const name of Object.keys(claims)) {
    if (!allowed.has(name)) invalid(`${kind}.${name.slice(0, 32)}`, "no such claim");
  }
}

/** True when `value` is a DID as spec 1.5 defines it. */
export function isDid(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_DID_LENGTH && DID_PATTERN.test(value);
}

/**
 * Returns `value` as a DID or throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const iss = readDid(payload.iss, "iss");
 */
export function readDid(value: unknown, field: string): string {
  if (!isDid(value)) invalid(field, "a DID");
  return value;
}

/** True when `value` is a token hash: 43 base64url characters (spec 1.3). */
export function isTokenHash(value: unknown): value is string {
  return typeof value === "string" && HASH_PATTERN.test(value);
}

/** Returns `value` as a token hash or throws ERR_TOKEN_CLAIM_INVALID. */
export function readHash(value: unknown, field: string): string {
  if (!isTokenHash(value)) invalid(field, "a token hash");
  return value;
}

/** Returns `value` as a time (integer 0 to 2^53 - 1) or throws ERR_TOKEN_CLAIM_INVALID. */
export function readTime(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) invalid(field, "an integer time");
  return value as number;
}

/** Returns `value` as an integer in [min, max] or throws ERR_TOKEN_CLAIM_INVALID. */
export function readInteger(value: unknown, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || (value as number) < min || (value as number) > max) {
    invalid(field, `an integer from ${min} to ${max}`);
  }
  return value as number;
}

/** Returns `value` as a `jti` (1 to 64 characters) or throws ERR_TOKEN_CLAIM_INVALID. */
export function readJti(value: unknown, field = "jti"): string {
  if (typeof value !== "string" || value.length < 1 || value.length > MAX_JTI_LENGTH) {
    invalid(field, `a string of 1 to ${MAX_JTI_LENGTH} characters`);
  }
  return value;
}

/** Throws ERR_TOKEN_CLAIM_INVALID with the field name and what was expected. */
export function claimInvalid(field: string, expected: string): never {
  return invalid(field, expected);
}
