import type { JWTVerifyGetKey } from "jose";
import { ClientError } from "../errors/client-error.ts";
import { verifyJwtAccessToken } from "../resource/verify-jwt-access-token.ts";

/** An actor claim of RFC 8693 section 4.1, nested for prior actors. */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

/** The claims of an access token issued at the relay's `POST /oauth/token` (docs/oauth.md 2.5). */
export interface OAuthTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  iat: number;
  exp: number;
  jti: string;
  scope: string;
  cmd: string;
  act: ActClaim;
  cnf: { jkt: string };
  audit_index: number;
}

/**
 * Verifies an OAuth access token with jose (RFC 9068 section 4): signature under the relay's
 * JWKS, `typ` at+jwt, EdDSA only, `iss`, `aud` this resource, lifetime; then the claims the
 * middleware needs (`scope`, `cmd`, `act`, `cnf.jkt`). Throws ClientError with
 * ERR_ACCESS_TOKEN_EXPIRED, ERR_ACCESS_TOKEN_AUDIENCE or ERR_ACCESS_TOKEN_INVALID.
 *
 * @example
 * const claims = await verifyOAuthToken(token, { issuer, audience: "https://api.example.com" });
 */
export async function verifyOAuthToken(
  token: string,
  options: { issuer: string; audience: string; jwks?: JWTVerifyGetKey; now: number },
): Promise<OAuthTokenClaims> {
  const requiredClaims = ["iss", "aud", "sub", "exp", "iat", "jti", "client_id", "scope"];
  return verifyJwtAccessToken(token, { ...options, requiredClaims }, checkShape);
}

function checkShape(payload: Record<string, unknown>): OAuthTokenClaims {
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  const act = payload.act as { sub?: unknown } | undefined;
  if (
    typeof payload.cmd !== "string" ||
    typeof payload.aud !== "string" ||
    typeof cnf?.jkt !== "string" ||
    typeof act?.sub !== "string"
  ) {
    throw new ClientError("ERR_ACCESS_TOKEN_INVALID", "access token: missing claims");
  }
  return payload as unknown as OAuthTokenClaims;
}

/**
 * The actors of a token, nearest first (`act.sub`, then `act.act.sub`, ...).
 *
 * @example
 * actorsOf({ sub: "did:b", act: { sub: "did:a" } }); // ["did:b", "did:a"]
 */
export function actorsOf(act: ActClaim): string[] {
  const actors: string[] = [];
  for (let at: ActClaim | undefined = act; at !== undefined && actors.length < 16; at = at.act) {
    if (typeof at.sub !== "string") break;
    actors.push(at.sub);
  }
  return actors;
}
