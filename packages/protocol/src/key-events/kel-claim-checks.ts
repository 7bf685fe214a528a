import { publicKeyFromDid } from "../did/did-key.ts";
import { isProtocolError } from "../errors/protocol-error.ts";
import { type Claims, claimInvalid, isDid } from "../jws/claim-checks.ts";

/**
 * Returns `value` as an Ed25519 did:key whose key passes the strict checks, or throws
 * ERR_TOKEN_CLAIM_INVALID. Every key a key event log names is a did:key, so a verifier needs no
 * resolver (docs/spec/key-events.md 1.2).
 *
 * @example
 * const k = readDidKey(payload.k, "k");
 */
export function readDidKey(value: unknown, field: string): string {
  if (!isDid(value) || !value.startsWith("did:key:")) return claimInvalid(field, "a did:key");
  try {
    publicKeyFromDid(value);
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return claimInvalid(field, `a usable Ed25519 did:key (${error.code})`);
  }
  return value;
}

/**
 * Returns `value` as a list of 1 to `max` distinct did:keys, or throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const rec = readDidKeyList(payload.rec, "rec", 8);
 */
export function readDidKeyList(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > max) {
    return claimInvalid(field, `an array of 1 to ${max} did:keys`);
  }
  const keys = value.map((item, index) => readDidKey(item, `${field}[${index}]`));
  if (new Set(keys).size !== keys.length) claimInvalid(field, "distinct did:keys");
  return keys;
}

/**
 * Returns `value` when it is one of `allowed`, or throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const rsn = readChoice(payload.rsn, "rsn", ["routine", "compromise"] as const);
 */
export function readChoice<T extends string>(value: unknown, field: string, allowed: readonly T[]) {
  if (!allowed.includes(value as T)) claimInvalid(field, `one of ${allowed.join(", ")}`);
  return value as T;
}

/**
 * Returns `claims[name]` checked by `read`, or nothing when the member is absent.
 *
 * @example
 * const n = readOptional(payload, "n", readHash); // {} or { n: "..." }
 */
export function readOptional<K extends string, T>(
  claims: Claims,
  name: K,
  read: (value: unknown, field: string) => T,
): { [P in K]?: T } {
  if (!Object.hasOwn(claims, name)) return {};
  return { [name]: read(claims[name], name) } as { [P in K]?: T };
}
