import { publicKeyFromDid } from "../did/did-key.ts";
import { isProtocolError, ProtocolError } from "../errors/protocol-error.ts";
import { LruCache } from "../internal/lru-cache.ts";
import type { LinkCache } from "./link-cache.ts";

/**
 * Resolves the public key a DID signed with at a time, for the header's `kid` (spec 4.2). The
 * time is when the verifier first saw the token, so after a rotation an old token keeps the key
 * it was seen under. Returns undefined when the DID had no such key.
 */
export type KeyResolver = (did: string, atTime: number, kid: string) => Uint8Array | undefined;

/** What a revocation check found: the token itself, its signing key, or its issuer's epoch. */
export type RevocationKind = "token" | "key" | "epoch";

/** What a revocation check is asked about one signed token (spec 4.4 step 4.7). */
export interface RevocationQuery {
  readonly tokenHash: string;
  readonly issuer: string;
  readonly kid: string;
  /** When the verifier first saw the token (Unix seconds). */
  readonly seenAt: number;
  readonly role: "delegation" | "invocation" | "approval";
}

/** A revocation found, with the sequence number of the log entry behind it (revocation.md 3). */
export interface RevocationHit {
  readonly kind: RevocationKind;
  readonly seq: number;
}

/** Returns how a token is revoked (with its log entry when known), or false when it is not. */
export type RevocationCheck = (
  query: RevocationQuery,
) => RevocationKind | RevocationHit | false | null | undefined;

/** The verifier's knowledge, shared by chain, invocation and approval verification. */
export interface VerificationHooks {
  /** Key resolution; default {@link resolveDidKey} (the key a did:key encodes). */
  resolveKey?: KeyResolver;
  /** Revocation predicate; default: nothing is revoked. */
  isRevoked?: RevocationCheck;
  /** When the verifier first saw a token, by hash; default: now. */
  firstSeen?: (tokenHash: string) => number | undefined;
  /** Verified-link cache; default none. */
  cache?: LinkCache;
}

/**
 * The default key resolution: the key a did:key encodes, whatever the time. Returns undefined
 * for other DID methods or a malformed did:key (so the verifier reports ERR_KEY_UNKNOWN), and
 * lets key errors (small order, non-canonical) through.
 *
 * @example
 * resolveDidKey("did:key:z6Mk...", now, kid); // Uint8Array(32)
 */
export function resolveDidKey(did: string, _atTime: number, _kid: string): Uint8Array | undefined {
  let entry = didKeys.get(did);
  if (entry === undefined) {
    entry = decodeDidKey(did);
    didKeys.set(did, entry);
  }
  if (entry instanceof ProtocolError) throw entry;
  return entry === null ? undefined : entry;
}

// base58 decoding is quadratic and a did:key never changes its key, so decode each DID once.
const didKeys = new LruCache<string, Uint8Array | ProtocolError | null>(100_000);

function decodeDidKey(did: string): Uint8Array | ProtocolError | null {
  try {
    return publicKeyFromDid(did);
  } catch (error) {
    if (isProtocolError(error) && error.code.startsWith("ERR_KEY_")) return error;
    return null;
  }
}

/**
 * Runs key resolution and throws ERR_KEY_UNKNOWN when it finds nothing.
 *
 * @example
 * const key = resolveSignerKey(resolveDidKey, iss, seenAt, kid);
 */
export function resolveSignerKey(
  resolveKey: KeyResolver,
  did: string,
  atTime: number,
  kid: string,
): Uint8Array {
  const key = resolveKey(did, atTime, kid);
  if (key === undefined || key === null) {
    throw new ProtocolError("ERR_KEY_UNKNOWN", "iss: no key known for this signer and kid", {
      details: { kid },
    });
  }
  return key;
}

const REVOCATION_CODES = {
  token: "ERR_REVOKED_TOKEN",
  key: "ERR_REVOKED_KEY",
  epoch: "ERR_REVOKED_EPOCH",
} as const;

/**
 * Asks the revocation predicate about a token and throws ERR_REVOKED_TOKEN, ERR_REVOKED_KEY or
 * ERR_REVOKED_EPOCH when it answers, with the log entry's sequence number in the details when the
 * predicate gives one. An unknown answer is treated as revoked (fail closed).
 *
 * @example
 * assertNotRevoked(isRevoked, { tokenHash, issuer, kid, seenAt, role: "delegation" });
 */
export function assertNotRevoked(check: RevocationCheck | undefined, query: RevocationQuery): void {
  if (check === undefined) return;
  const found = check(query);
  if (found === false || found === null || found === undefined) return;
  const kind = typeof found === "object" ? found.kind : found;
  const seq = typeof found === "object" && Number.isSafeInteger(found.seq) ? found.seq : undefined;
  const code = Object.hasOwn(REVOCATION_CODES, kind) ? REVOCATION_CODES[kind] : "ERR_REVOKED_TOKEN";
  const entry = seq === undefined ? "" : `, seq ${seq}`;
  throw new ProtocolError(code, `${query.role}: revoked (${String(kind).slice(0, 16)}${entry})`, {
    details:
      seq === undefined ? { tokenHash: query.tokenHash } : { tokenHash: query.tokenHash, seq },
  });
}
