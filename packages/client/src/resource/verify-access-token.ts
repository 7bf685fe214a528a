import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ClientError } from "../errors/client-error.ts";

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

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

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
  const keys = options.jwks ?? remoteKeySet(options.issuer);
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.audience,
      typ: "at+jwt",
      algorithms: ["EdDSA"],
      requiredClaims: ["iss", "aud", "sub", "exp", "iat", "jti", "client_id"],
      ...(options.now === undefined ? {} : { currentDate: new Date(options.now * 1000) }),
    });
    const claims = assertAntsClaims(payload);
    options.revocations?.assertNotRevoked(claims, options.now);
    return claims;
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw translate(error);
  }
}

function remoteKeySet(issuer: string): JWTVerifyGetKey {
  let keys = remoteKeySets.get(issuer);
  if (keys === undefined) {
    keys = createRemoteJWKSet(new URL(`${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`));
    remoteKeySets.set(issuer, keys);
  }
  return keys;
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
