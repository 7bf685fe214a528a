import { didFromPublicKey, publicKeyFromDid } from "../did/did-key.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import type { JsonValue } from "../json/strict-json.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readDid,
  readInteger,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";
import { parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { MAX_DELEGATION_BYTES, REGISTRATION_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";

/** Most instances an agent may declare (docs/spec/sessions.md 2.1). */
export const MAX_DECLARED_INSTANCES = 1024;
/** Largest `recovery` object accepted, in bytes of its JSON text. */
export const MAX_RECOVERY_BYTES = 4096;

/** The claims of a registration statement (docs/spec/sessions.md 2.1). */
export interface RegistrationClaims {
  readonly iss: string;
  readonly aud: string;
  readonly iat: number;
  readonly jti: string;
  readonly instances: number;
  readonly owner?: string;
  readonly recovery?: { readonly [name: string]: JsonValue };
}

/** Claims for {@link signRegistration}; `iss` defaults to the signer's did:key. */
export interface RegistrationInput {
  /** The relay's DID. */
  aud: string;
  instances: number;
  owner?: string;
  recovery?: { readonly [name: string]: JsonValue };
  iat?: number;
  jti?: string;
}

const MEMBERS = new Set(["iss", "aud", "iat", "jti", "instances", "owner", "recovery"]);

/**
 * Signs a registration statement with the agent's identity key.
 *
 * @example
 * const registration = signRegistration({ aud: relayDid, instances: 2 }, { signer });
 */
export function signRegistration(input: RegistrationInput, options: SignTokenOptions): string {
  const claims = {
    iss: didFromPublicKey(options.signer.publicKey),
    aud: input.aud,
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
    instances: input.instances,
    ...(input.owner === undefined ? {} : { owner: input.owner }),
    ...(input.recovery === undefined ? {} : { recovery: input.recovery }),
  };
  readRegistrationClaims(claims);
  return signCompactJws(REGISTRATION_TYP, claims, options.signer);
}

/**
 * Checks a registration payload against the table of docs/spec/sessions.md 2.1, in order.
 * Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const claims = readRegistrationClaims(jws.payload);
 */
export function readRegistrationClaims(payload: Claims): RegistrationClaims {
  assertOnlyMembers(payload, MEMBERS, "registration");
  const iss = readDid(payload.iss, "iss");
  if (!iss.startsWith("did:key:")) claimInvalid("iss", "a did:key");
  const claims = {
    iss,
    aud: readDid(payload.aud, "aud"),
    iat: readTime(payload.iat, "iat"),
    jti: readJti(payload.jti),
    instances: readInteger(payload.instances, "instances", 1, MAX_DECLARED_INSTANCES),
  };
  const owner = payload.owner === undefined ? {} : { owner: readDid(payload.owner, "owner") };
  return { ...claims, ...owner, ...readRecovery(payload.recovery) };
}

function readRecovery(value: JsonValue | undefined): Pick<RegistrationClaims, "recovery"> {
  if (value === undefined) return {};
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    claimInvalid("recovery", "a JSON object");
  }
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_RECOVERY_BYTES) {
    claimInvalid("recovery", `at most ${MAX_RECOVERY_BYTES} bytes`);
  }
  return { recovery: value as { readonly [name: string]: JsonValue } };
}

/**
 * Verifies a registration statement (docs/spec/sessions.md 2.1): parsing, claims, the signature
 * under the key `iss` encodes, then `aud` and `iat`. Throws ProtocolError with the first failed
 * check's code (ERR_JWS_*, ERR_TOKEN_*, ERR_DID_*, ERR_KEY_*, ERR_SIGNATURE_INVALID,
 * ERR_REGISTRATION_INVALID).
 *
 * @example
 * const { iss, instances } = verifyRegistration(token, { relay: relayDid, now });
 */
export function verifyRegistration(
  token: unknown,
  options: { relay: string; now: number },
): RegistrationClaims & { publicKey: Uint8Array } {
  const jws = parseCompactJws(token, { typ: REGISTRATION_TYP, maxBytes: MAX_DELEGATION_BYTES });
  const claims = readRegistrationClaims(jws.payload);
  const publicKey = publicKeyFromDid(claims.iss);
  verifyJwsSignature(jws, publicKey);

  if (claims.aud !== options.relay) {
    throw new ProtocolError("ERR_REGISTRATION_INVALID", "aud: not this relay");
  }
  if (Math.abs(options.now - claims.iat) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ProtocolError(
      "ERR_REGISTRATION_INVALID",
      `iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`,
    );
  }
  return { ...claims, publicKey };
}
