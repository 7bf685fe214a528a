import { didFromPublicKey, publicKeyFromDid } from "../did/did-key.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readInteger,
  readTime,
} from "../jws/claim-checks.ts";
import { parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, type SignTokenOptions } from "../jws/sign-options.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { OWNER_CERT_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { readDidKey, readDidKeyList } from "./kel-claim-checks.ts";
import {
  DEFAULT_RECOVERY_WINDOW_SECONDS,
  MAX_GUARDIANS,
  MAX_OWNER_CERT_BYTES,
  MAX_RECOVERY_KEYS,
  MAX_RECOVERY_WINDOW_SECONDS,
} from "./key-event-limits.ts";

/** M of N guardians (docs/spec/key-events.md 2.1, `grd`). */
export interface GuardianQuorum {
  /** How many distinct guardians must sign a rotation. */
  readonly k: number;
  /** The guardians' did:keys. */
  readonly of: readonly string[];
}

/** The claims of an owner certificate (docs/spec/key-events.md 2.1). */
export interface OwnerCertificateClaims {
  /** The owner's did:key; its key signs the certificate. */
  readonly iss: string;
  /** The agent certified: its ID, the did:key of its inception key. */
  readonly sub: string;
  /** Owner recovery keys, highest rank first. */
  readonly rec: readonly string[];
  /** Recovery window in seconds. */
  readonly win: number;
  readonly grd?: GuardianQuorum;
  readonly iat: number;
}

/** Input of {@link signOwnerCertificate}; `rec` defaults to the owner's own key. */
export interface OwnerCertificateInput {
  /** The agent's ID. */
  sub: string;
  rec?: readonly string[];
  /** Default {@link DEFAULT_RECOVERY_WINDOW_SECONDS}. */
  win?: number;
  grd?: GuardianQuorum;
  iat?: number;
}

const MEMBERS = new Set(["iss", "sub", "rec", "win", "grd", "iat"]);

/**
 * Checks an owner certificate payload in the order of the table in docs/spec/key-events.md 2.1.
 * Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const claims = readOwnerCertificateClaims(jws.payload);
 */
export function readOwnerCertificateClaims(payload: Claims): OwnerCertificateClaims {
  assertOnlyMembers(payload, MEMBERS, "owner certificate");
  const claims = {
    iss: readDidKey(payload.iss, "iss"),
    sub: readDidKey(payload.sub, "sub"),
    rec: readDidKeyList(payload.rec, "rec", MAX_RECOVERY_KEYS),
    win: readInteger(payload.win, "win", 0, MAX_RECOVERY_WINDOW_SECONDS),
  };
  const grd = payload.grd === undefined ? {} : { grd: readGuardianQuorum(payload.grd) };
  return { ...claims, ...grd, iat: readTime(payload.iat, "iat") };
}

function readGuardianQuorum(value: unknown): GuardianQuorum {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return claimInvalid("grd", "an object {k, of}");
  }
  assertOnlyMembers(value as Claims, new Set(["k", "of"]), "grd");
  const { k, of } = value as { k?: unknown; of?: unknown };
  const guardians = readDidKeyList(of, "grd.of", MAX_GUARDIANS);
  return { k: readInteger(k, "grd.k", 1, guardians.length), of: guardians };
}

/**
 * Signs an owner certificate with the owner's key (the signer).
 *
 * @example
 * const cert = signOwnerCertificate({ sub: agentId, grd: { k: 2, of: [g1, g2, g3] } }, { signer });
 */
export function signOwnerCertificate(input: OwnerCertificateInput, options: SignTokenOptions) {
  const owner = didFromPublicKey(options.signer.publicKey);
  const claims = {
    iss: owner,
    sub: input.sub,
    rec: input.rec ?? [owner],
    win: input.win ?? DEFAULT_RECOVERY_WINDOW_SECONDS,
    ...(input.grd === undefined ? {} : { grd: input.grd }),
    iat: input.iat ?? issuedAt(options),
  };
  readOwnerCertificateClaims(claims as unknown as Claims);
  return signCompactJws(OWNER_CERT_TYP, claims, options.signer);
}

/** A verified owner certificate. */
export interface VerifiedOwnerCertificate {
  readonly claims: OwnerCertificateClaims;
  /** Token hash of the certificate (docs/spec/tokens.md 1.3). */
  readonly hash: string;
}

/**
 * Verifies an owner certificate on its own: strict parsing, claims, and the signature under the
 * key `iss` names. Does not check `sub`. Throws ProtocolError (ERR_JWS_*, ERR_JSON_*,
 * ERR_TOKEN_*, ERR_SIGNATURE_INVALID).
 *
 * @example
 * const { claims } = verifyOwnerCertificate(cert);
 * claims.sub === agentId;
 */
export function verifyOwnerCertificate(token: unknown): VerifiedOwnerCertificate {
  const jws = parseCompactJws(token, { typ: OWNER_CERT_TYP, maxBytes: MAX_OWNER_CERT_BYTES });
  const claims = readOwnerCertificateClaims(jws.payload);
  verifyJwsSignature(jws, publicKeyFromDid(claims.iss));
  return { claims, hash: tokenHash(jws.compact) };
}
