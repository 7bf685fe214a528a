import {
  decodeBase64url,
  jwkThumbprint,
  publicKeyFromDid,
  type RevocationRequestClaims,
} from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { RelayStore } from "../store/relay-store.ts";
import type { FirstSeenBook } from "./first-seen-book.ts";

/** What deciding who may revoke needs. */
export interface AuthorityDeps {
  store: Pick<RelayStore, "agents" | "sessions" | "handles">;
  firstSeen: FirstSeenBook;
  /** DIDs of the relay's operators, from its configuration. */
  operators: ReadonlySet<string>;
}

/** Longest chain walked from a token up to its root; chains are at most 8 links (tokens.md). */
const MAX_ANCESTORS = 16;

/**
 * Decides whether the request's signer may revoke its target (docs/spec/revocation.md 2.4),
 * and throws ERR_REVOCATION_FORBIDDEN (403) when not, or ERR_REVOCATION_TARGET_UNKNOWN (404) for
 * a token the relay has never seen. Operators may revoke anything; otherwise:
 * - key: the agent holding the key, or the owner named in that agent's registration;
 * - token: its issuer, its principal (`sub`), or the issuer of any token above it in its chain;
 * - issuer-epoch: the issuer itself;
 * - session: the agent whose session it is;
 * - handle: its holder.
 * Tokens are judged by hash, from what the relay recorded when it first saw them, so a token made
 * with someone else's `jti` names a different hash and gives no power over theirs.
 *
 * @example
 * await assertMayRevoke(deps, claims);
 */
export async function assertMayRevoke(
  deps: AuthorityDeps,
  claims: RevocationRequestClaims,
): Promise<void> {
  const revoker = claims.iss;
  // An operator may also revoke a token hash the relay has not seen (one leaked elsewhere).
  if (deps.operators.has(revoker)) return;
  const allowed = await mayRevoke(deps, claims);
  if (!allowed) {
    throw new RelayError(
      "ERR_REVOCATION_FORBIDDEN",
      `revocation: ${revoker.slice(0, 64)} may not revoke this ${claims.kind}`,
      { details: { kind: claims.kind } },
    );
  }
}

async function mayRevoke(deps: AuthorityDeps, claims: RevocationRequestClaims): Promise<boolean> {
  const revoker = claims.iss;
  switch (claims.kind) {
    case "key":
      return mayRevokeKey(deps, claims);
    case "token":
      return (await issuersAbove(deps, claims.target)).has(revoker);
    case "issuer-epoch":
      return claims.target === revoker;
    case "session":
      return (await deps.store.sessions.get(claims.target))?.agent === revoker;
    case "handle":
      return (await deps.store.handles.get(claims.target))?.agent === revoker;
  }
}

// The key's holder (sub, or the revoker itself), or the holder's registered owner.
async function mayRevokeKey(
  deps: AuthorityDeps,
  claims: RevocationRequestClaims,
): Promise<boolean> {
  const holder = claims.sub ?? claims.iss;
  const record = await deps.store.agents.get(holder);
  if (holder !== claims.iss && record?.owner !== claims.iss) return false;
  const keys = new Set([thumbprintOfDid(holder)]);
  if (record !== undefined) keys.add(jwkThumbprint(decodeBase64url(record.publicKey, "publicKey")));
  return keys.has(claims.target);
}

/** Everyone with a say over a token: its principal and the issuers of it and its ancestors. */
async function issuersAbove(deps: AuthorityDeps, hash: string): Promise<Set<string>> {
  const token = await deps.firstSeen.get(hash);
  if (token === undefined) throw unknownToken();
  const allowed = new Set([token.issuer, token.subject]);
  let parent = token.parent;
  for (let hops = 0; parent !== null && hops < MAX_ANCESTORS; hops++) {
    const above = await deps.firstSeen.get(parent);
    if (above === undefined) break;
    allowed.add(above.issuer);
    parent = above.parent;
  }
  return allowed;
}

function thumbprintOfDid(did: string): string | undefined {
  try {
    return jwkThumbprint(publicKeyFromDid(did));
  } catch {
    return undefined;
  }
}

function unknownToken(): RelayError {
  return new RelayError(
    "ERR_REVOCATION_TARGET_UNKNOWN",
    "target: the relay has not seen this token; send the token with the request",
  );
}
