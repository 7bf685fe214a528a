import type { JWTVerifyGetKey } from "jose";
import { ClientError } from "../errors/client-error.ts";
import { remoteKeySet, verifyJwtAccessToken } from "./verify-jwt-access-token.ts";

/** The claims of a relay-minted access token (docs/spec/authorize.md section 3). */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  client_id: string;
  iat: number;
  exp: number;
  jti: string;
  act: { sub: string; act?: unknown };
  cmd: string;
  args_hash: string;
  inv: string;
  cnf: { jkt: string };
  audit_index: number;
}

/** Options for {@link verifyAccessToken}. */
export interface VerifyAccessTokenOptions {
  /** The relay's origin: the tokens' `iss`, and where its JWKS is published. */
  issuer: string;
  /** This resource server, the tokens' `aud`. */
  audience: string;
  /** Key source; default the relay's `/.well-known/jwks.json`, fetched and cached by jose. */
  jwks?: JWTVerifyGetKey;
  /** Verification time, Unix seconds. Default now. */
  now?: number;
  /**
   * A followed revocation feed (`RevocationFeed`): refuses a token whose actor, instructors,
   * principal or session key is revoked, with no round trip, and fails closed when stale.
   */
  revocations?: { assertNotRevoked(claims: AccessTokenClaims, now?: number): void };
}

/**
 * Verifies an access token with jose against the relay's JWKS (signature, `typ` at+jwt, EdDSA
 * only, `iss`, `aud`, `exp`) and checks the ANTS claims are present. This is step 1 of
 * docs/spec/authorize.md 3.1; {@link AccessGuard} runs all five. Throws ClientError with
 * ERR_ACCESS_TOKEN_EXPIRED, ERR_ACCESS_TOKEN_AUDIENCE or ERR_ACCESS_TOKEN_INVALID.
 *
 * @example
 * const claims = await verifyAccessToken(token, { issuer: relayUrl, audience: "https://api.example" });
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<AccessTokenClaims> {
  // Resolved before verification, so a malformed issuer URL throws here as it always has.
  const jwks = options.jwks ?? remoteKeySet(options.issuer);
  const requiredClaims = ["iss", "aud", "sub", "exp", "iat", "jti", "client_id"];
  return verifyJwtAccessToken(token, { ...options, jwks, requiredClaims }, (payload) => {
    const claims = assertAntsClaims(payload);
    options.revocations?.assertNotRevoked(claims, options.now);
    return claims;
  });
}

function assertAntsClaims(payload: Record<string, unknown>): AccessTokenClaims {
  const cnf = payload.cnf as { jkt?: unknown } | undefined;
  const act = payload.act as { sub?: unknown } | undefined;
  const strings = ["cmd", "args_hash", "inv", "jti", "client_id", "sub"];
  if (
    strings.some((name) => typeof payload[name] !== "string") ||
    typeof cnf?.jkt !== "string" ||
    typeof act?.sub !== "string" ||
    !Number.isSafeInteger(payload.audit_index)
  ) {
    throw new ClientError("ERR_ACCESS_TOKEN_INVALID", "access token: missing ANTS claims");
  }
  return payload as unknown as AccessTokenClaims;
}
