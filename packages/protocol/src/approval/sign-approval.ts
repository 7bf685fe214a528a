import { didFromPublicKey } from "../did/did-key.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { APPROVAL_TYP } from "../jws/token-types.ts";
import { readApprovalClaims } from "./approval-claims.ts";

/** Claims for {@link signApproval}. */
export interface ApprovalInput {
  /** The approver; default the did:key of the signer. */
  iss?: string;
  /** Token hash of the invocation approved (`ChainVerification.invocationHash`). */
  inv: string;
  iat?: number;
  jti?: string;
}

/**
 * Signs an approval of one invocation (spec 2.3). Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const approval = signApproval({ inv: pending.invocationHash }, { signer: dave });
 */
export function signApproval(input: ApprovalInput, options: SignTokenOptions): string {
  const claims = {
    iss: input.iss ?? didFromPublicKey(options.signer.publicKey),
    inv: input.inv,
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
  };
  readApprovalClaims(claims);
  return signCompactJws(APPROVAL_TYP, claims, options.signer);
}
