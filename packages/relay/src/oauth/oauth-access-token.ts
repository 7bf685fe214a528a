import { randomBytes } from "node:crypto";
import { ACCESS_TOKEN_TYP, signCompactJws } from "@ants/protocol";
import {
  type ActorClaim,
  actorChain,
  MAX_ACCESS_TOKEN_SECONDS,
} from "../authorize/access-token.ts";
import type { RelayIdentity } from "../identity/relay-identity.ts";

/** What an access token issued at the token endpoint states (docs/oauth.md 2.5). */
export interface OAuthTokenInput {
  issuer: string;
  resource: string;
  principal: string;
  /** The calling agent, `client_id` and `act.sub`. */
  actor: string;
  /** Delegators after the chain's root, nearest first. */
  instructors: readonly string[];
  command: string;
  /** RFC 7638 thumbprint of the DPoP key. */
  jkt: string;
  auditIndex: number;
  now: number;
  /** The chain's earliest `exp`, if any: the token never outlives it. */
  notAfter: number;
}

/**
 * Signs an RFC 9068 `at+jwt` for the token endpoint: `aud` the resource (RFC 8707), `sub` the
 * principal, `client_id` and nested `act` (RFC 8693 section 4.1), `scope` and `cmd` the command,
 * `cnf.jkt` the DPoP key (RFC 9449 section 6), at most five minutes.
 *
 * @example
 * const { token, expiresAt } = signOAuthAccessToken(identity, input);
 */
export function signOAuthAccessToken(
  identity: RelayIdentity,
  input: OAuthTokenInput,
): { token: string; expiresAt: number } {
  const expiresAt = Math.min(input.now + MAX_ACCESS_TOKEN_SECONDS, input.notAfter);
  const act: ActorClaim = actorChain(input.actor, input.instructors);
  const claims = {
    iss: input.issuer,
    aud: input.resource,
    sub: input.principal,
    client_id: input.actor,
    iat: input.now,
    exp: expiresAt,
    jti: randomBytes(16).toString("base64url"),
    scope: input.command,
    cmd: input.command,
    act,
    cnf: { jkt: input.jkt },
    audit_index: input.auditIndex,
  };
  return { token: signCompactJws(ACCESS_TOKEN_TYP, claims, identity.signer), expiresAt };
}
