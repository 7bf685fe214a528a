import { didFromPublicKey } from "../did/did-key.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, type SignTokenOptions } from "../jws/sign-options.ts";
import { KEY_EVENT_TYP } from "../jws/token-types.ts";
import {
  type RotationAuthority,
  type RotationReason,
  readKeyEventClaims,
} from "./key-event-claims.ts";

/** Input of {@link signInception}; the signer is the inception key. */
export interface InceptionInput {
  /** Next-key digest (`nextKeyDigest`), to pre-commit the next key. */
  n?: string;
  /** Declared instance count. */
  ins: number;
  /** The owner certificate (`signOwnerCertificate`). */
  own?: string;
  iat?: number;
}

/** Input of {@link signRotation}; the signer is the key the authority rotates with. */
export interface RotationInput {
  /** The agent's ID. */
  iss: string;
  /** Sequence number: the previous event's plus one. */
  s: number;
  /** Token hash of the previous event. */
  p: string;
  /** The new current key, as a did:key. */
  k: string;
  n?: string;
  auth: RotationAuthority;
  rsn: RotationReason;
  cmp?: number;
  ovr?: string;
  iat?: number;
}

/** Input of {@link signGuardianApproval}; the signer is the guardian. */
export interface GuardianApprovalInput {
  /** The agent's ID. */
  iss: string;
  /** Token hash of the rotation approved. */
  evt: string;
  iat?: number;
}

/**
 * Signs an inception event (docs/spec/key-events.md 2.2) with the inception key, whose did:key
 * becomes the agent's ID. Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const inception = signInception({ n: nextKeyDigest(next.publicKey), ins: 1 }, { signer });
 */
export function signInception(input: InceptionInput, options: SignTokenOptions): string {
  const iss = didFromPublicKey(options.signer.publicKey);
  const claims = {
    t: "icp",
    iss,
    s: 0,
    k: iss,
    ...(input.n === undefined ? {} : { n: input.n }),
    ins: input.ins,
    ...(input.own === undefined ? {} : { own: input.own }),
    iat: input.iat ?? issuedAt(options),
  };
  return signChecked(claims, options);
}

/**
 * Signs a rotation event (docs/spec/key-events.md 2.3); `by` is the signer's did:key. Throws
 * ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const rotation = signRotation(
 *   { iss: agent, s: 1, p: log.head, k: newKeyDid, auth: "next", rsn: "routine" },
 *   { signer: nextKey },
 * );
 */
export function signRotation(input: RotationInput, options: SignTokenOptions): string {
  const claims = {
    t: "rot",
    iss: input.iss,
    s: input.s,
    p: input.p,
    k: input.k,
    ...(input.n === undefined ? {} : { n: input.n }),
    auth: input.auth,
    by: didFromPublicKey(options.signer.publicKey),
    rsn: input.rsn,
    ...(input.cmp === undefined ? {} : { cmp: input.cmp }),
    ...(input.ovr === undefined ? {} : { ovr: input.ovr }),
    iat: input.iat ?? issuedAt(options),
  };
  return signChecked(claims, options);
}

/**
 * Signs a guardian's approval of one rotation, named by its token hash (docs/spec/key-events.md
 * 2.4). Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const approval = signGuardianApproval({ iss: agent, evt: tokenHash(rotation) }, { signer });
 */
export function signGuardianApproval(input: GuardianApprovalInput, options: SignTokenOptions) {
  const claims = {
    t: "apv",
    iss: input.iss,
    evt: input.evt,
    by: didFromPublicKey(options.signer.publicKey),
    iat: input.iat ?? issuedAt(options),
  };
  return signChecked(claims, options);
}

function signChecked(claims: Record<string, string | number>, options: SignTokenOptions): string {
  readKeyEventClaims(claims);
  return signCompactJws(KEY_EVENT_TYP, claims, options.signer);
}
