import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ClientError } from "../errors/client-error.ts";

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

const keySets = new Map<string, JWTVerifyGetKey>();

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
  try {
    const { payload } = await jwtVerify(token, options.jwks ?? keySetOf(options.issuer), {
      issuer: options.issuer,
      audience: options.audience,
      typ: "at+jwt",
      algorithms: ["EdDSA"],
      requiredClaims: ["iss", "aud", "sub", "exp", "iat", "jti", "client_id", "scope"],
      currentDate: new Date(options.now * 1000),
    });
    return checkShape(payload);
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw translate(error);
  }
}

function keySetOf(issuer: string): JWTVerifyGetKey {
  let keys = keySets.get(issuer);
  if (keys === undefined) {
    keys = createRemoteJWKSet(new URL(`${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`));
    keySets.set(issuer, keys);
  }
  return keys;
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

function translate(error: unknown): ClientError {
  if (error instanceof errors.JWTExpired) {
    return new ClientError("ERR_ACCESS_TOKEN_EXPIRED", "access token: expired", { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
    return new ClientError("ERR_ACCESS_TOKEN_AUDIENCE", "access token: for another resource", {
      cause: error,
    });
  }
  // One message for every other failure, as for any signature check: nothing to probe.
  return new ClientError("ERR_ACCESS_TOKEN_INVALID", "access token: invalid", { cause: error });
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
