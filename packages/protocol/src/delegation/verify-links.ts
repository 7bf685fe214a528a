import { ProtocolError } from "../errors/protocol-error.ts";
import { exceedsBytes, parseCompactJws } from "../jws/compact-jws.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { DELEGATION_TYP, MAX_DELEGATION_BYTES } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { readDelegationClaims } from "./delegation-claims.ts";
import type { LinkCache, VerifiedLink } from "./link-cache.ts";
import { checkChild, checkRoot, MAX_CHAIN_LENGTH } from "./link-rules.ts";
import {
  assertNotRevoked,
  type KeyResolver,
  type RevocationCheck,
  resolveDidKey,
  resolveSignerKey,
  type VerificationHooks,
} from "./verification-hooks.ts";

/** Everything link verification needs, with defaults filled in. */
interface LinkContext {
  readonly now: number;
  readonly resolveKey: KeyResolver;
  readonly isRevoked: RevocationCheck | undefined;
  readonly firstSeen: ((hash: string) => number | undefined) | undefined;
  readonly cache: LinkCache | undefined;
}

/**
 * Spec 4.4 step 1: the chain holds 1 to 8 delegations, each a string of at most 8,192 bytes,
 * checked before any hashing. Throws ERR_CHAIN_EMPTY, ERR_CHAIN_TOO_LONG, ERR_TOKEN_TOO_LARGE or
 * ERR_JWS_MALFORMED.
 *
 * @example
 * checkChainShape([rootToken, childToken]);
 */
export function checkChainShape(delegations: unknown): asserts delegations is readonly string[] {
  if (!Array.isArray(delegations)) {
    throw new ProtocolError("ERR_JWS_MALFORMED", "delegations: expected an array of tokens");
  }
  if (delegations.length === 0) throw new ProtocolError("ERR_CHAIN_EMPTY", "delegations: empty");
  if (delegations.length > MAX_CHAIN_LENGTH) {
    throw new ProtocolError("ERR_CHAIN_TOO_LONG", `delegations: more than ${MAX_CHAIN_LENGTH}`);
  }
  for (const token of delegations) {
    if (typeof token !== "string") {
      throw new ProtocolError("ERR_JWS_MALFORMED", "delegations: expected strings");
    }
    if (exceedsBytes(token, MAX_DELEGATION_BYTES)) {
      throw new ProtocolError(
        "ERR_TOKEN_TOO_LARGE",
        `delegation: larger than ${MAX_DELEGATION_BYTES} bytes`,
      );
    }
  }
}

/**
 * Token hashes of the delegations (spec 1.3). Where `expected[i]` names a cached link with the
 * same bytes, that hash is reused without hashing again.
 *
 * @example
 * const hashes = chainHashes(delegations, invocation.prf, cache);
 */
export function chainHashes(
  delegations: readonly string[],
  expected: readonly string[] | undefined,
  cache: LinkCache | undefined,
): string[] {
  return delegations.map((token, i) => {
    const hint = expected?.[i];
    if (hint !== undefined && cache?.get(hint)?.compact === token) return hint;
    return tokenHash(token);
  });
}

/**
 * Spec 4.4 step 4 for every delegation, root first: parsing, link rules, key and signature
 * (cached by token hash when a cache is given), then expiry and revocation on every call.
 * Throws the first failure's code.
 *
 * @example
 * const links = verifyLinks(delegations, hashes, { now, resolveKey, cache });
 */
export function verifyLinks(
  delegations: readonly string[],
  hashes: readonly string[],
  hooks: VerificationHooks & { now: number },
): VerifiedLink[] {
  const context: LinkContext = {
    now: hooks.now,
    resolveKey: hooks.resolveKey ?? resolveDidKey,
    isRevoked: hooks.isRevoked,
    firstSeen: hooks.firstSeen,
    cache: hooks.cache,
  };
  const links: VerifiedLink[] = [];
  for (let i = 0; i < delegations.length; i++) {
    const parent = links[i - 1];
    const link =
      cachedLink(context.cache, delegations[i]!, hashes[i]!, parent) ??
      verifyLink(delegations[i]!, hashes[i]!, parent, context);
    checkTimeAndRevocation(link, context);
    links.push(link);
  }
  return links;
}

// A cached outcome holds only at a consistent position: a root first, a child right after the
// parent its prf names (spec 5). Anything else is verified afresh and fails with its own code.
function cachedLink(
  cache: LinkCache | undefined,
  token: string,
  hash: string,
  parent: VerifiedLink | undefined,
): VerifiedLink | undefined {
  const link = cache?.get(hash);
  if (link === undefined || link.compact !== token) return undefined;
  if (link.claims.prf !== parent?.hash) return undefined;
  return link;
}

function verifyLink(
  token: string,
  hash: string,
  parent: VerifiedLink | undefined,
  context: LinkContext,
): VerifiedLink {
  const jws = parseCompactJws(token, { typ: DELEGATION_TYP, maxBytes: MAX_DELEGATION_BYTES });
  const { claims, policy } = readDelegationClaims(jws.payload);
  const depth = parent === undefined ? checkRoot(claims) : checkChild(parent, claims);
  const seenAt = context.firstSeen?.(hash) ?? context.now;
  const key = resolveSignerKey(context.resolveKey, claims.iss, seenAt, jws.kid);
  verifyJwsSignature(jws, key);
  const link: VerifiedLink = { hash, compact: token, claims, policy, depth, kid: jws.kid };
  context.cache?.set(link);
  return link;
}

function checkTimeAndRevocation(link: VerifiedLink, context: LinkContext): void {
  const { exp, nbf } = link.claims;
  if (context.now >= exp) {
    throw new ProtocolError("ERR_TOKEN_EXPIRED", "exp: the delegation has expired", {
      details: { tokenHash: link.hash, exp },
    });
  }
  if (nbf !== undefined && context.now < nbf) {
    throw new ProtocolError("ERR_TOKEN_NOT_YET_VALID", "nbf: the delegation is not yet valid", {
      details: { tokenHash: link.hash, nbf },
    });
  }
  assertNotRevoked(context.isRevoked, {
    tokenHash: link.hash,
    issuer: link.claims.iss,
    kid: link.kid,
    seenAt: context.firstSeen?.(link.hash) ?? context.now,
    role: "delegation",
  });
}
