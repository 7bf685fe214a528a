import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ClientError } from "../errors/client-error.ts";

/** Options for {@link verifyJwtAccessToken}. */
export interface JwtAccessTokenOptions {
  /** The relay's origin: the token's `iss`, and where its JWKS is published. */
  issuer: string;
  /** This resource server, the token's `aud`. */
  audience: string;
  /** Key source; default {@link remoteKeySet} of the issuer, resolved inside the error mapping. */
  jwks?: JWTVerifyGetKey;
  /** Verification time, Unix seconds. Default now. */
  now?: number;
  /** Claims that must be present (RFC 9068 section 2.2 and the product's own). */
  requiredClaims: string[];
}

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * The relay's published key set (`<issuer>/.well-known/jwks.json`), fetched and cached by jose;
 * one per issuer for the life of the process.
 *
 * @example
 * const keys = remoteKeySet("https://relay.example");
 */
export function remoteKeySet(issuer: string): JWTVerifyGetKey {
  let keys = remoteKeySets.get(issuer);
  if (keys === undefined) {
    keys = createRemoteJWKSet(new URL(`${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`));
    remoteKeySets.set(issuer, keys);
  }
  return keys;
}

/**
 * The checks every relay-minted access token shares (RFC 9068 section 4): signature under the
 * relay's JWKS, `typ` at+jwt, EdDSA only, `iss`, `aud`, lifetime and the required claims; then
 * `check` on the payload. A ClientError from `check` passes through; any other failure becomes
 * ERR_ACCESS_TOKEN_EXPIRED, ERR_ACCESS_TOKEN_AUDIENCE or ERR_ACCESS_TOKEN_INVALID.
 *
 * @example
 * const claims = await verifyJwtAccessToken(token, { issuer, audience, requiredClaims: ["sub"] }, (p) => p);
 */
export async function verifyJwtAccessToken<T>(
  token: string,
  options: JwtAccessTokenOptions,
  check: (payload: Record<string, unknown>) => T,
): Promise<T> {
  try {
    const { payload } = await jwtVerify(token, options.jwks ?? remoteKeySet(options.issuer), {
      issuer: options.issuer,
      audience: options.audience,
      typ: "at+jwt",
      algorithms: ["EdDSA"],
      requiredClaims: options.requiredClaims,
      ...(options.now === undefined ? {} : { currentDate: new Date(options.now * 1000) }),
    });
    return check(payload);
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw translate(error);
  }
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
