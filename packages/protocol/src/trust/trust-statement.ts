import {
  type KeyResolver,
  resolveDidKey,
  resolveSignerKey,
} from "../delegation/verification-hooks.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import type { ParsedJws } from "../jws/compact-jws.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";

/** A trust statement is a few hundred bytes; 4 KiB bounds the parse. */
export const MAX_TRUST_STATEMENT_BYTES = 4096;

/** What a relay expects of any trust statement (docs/spec/trust.md 3). */
export interface VerifyTrustStatementOptions {
  /** The relay's DID, required in `aud`. */
  relay: string;
  /** The verifier's time, Unix seconds. */
  now: number;
  /** The signer's key for the header's `kid`; default the key its did:key encodes. */
  resolveKey?: KeyResolver;
}

/**
 * The checks every trust statement shares (docs/spec/trust.md 3.3, checks 3 to 6): signed by a
 * key of `iss`, addressed to this relay, not about its own signer, and not issued in the future.
 * Throws ERR_KEY_UNKNOWN, ERR_JWS_KID_MISMATCH, ERR_SIGNATURE_INVALID,
 * ERR_TRUST_STATEMENT_INVALID or ERR_TRUST_SELF_STATEMENT.
 *
 * @example
 * checkTrustStatement(jws, claims, { relay: relayDid, now });
 */
export function checkTrustStatement(
  jws: ParsedJws,
  claims: { iss: string; sub: string; aud: string; iat: number },
  options: VerifyTrustStatementOptions,
): void {
  const resolve = options.resolveKey ?? resolveDidKey;
  verifyJwsSignature(jws, resolveSignerKey(resolve, claims.iss, options.now, jws.kid));

  if (claims.aud !== options.relay) statementInvalid("aud: not this relay");

  // A statement about its own signer is worth nothing: trust is what others observe.
  if (claims.sub === claims.iss) {
    throw new ProtocolError("ERR_TRUST_SELF_STATEMENT", "sub: the signer cannot speak for itself");
  }

  if (claims.iat > options.now + MAX_CLOCK_SKEW_SECONDS) {
    statementInvalid(`iat: more than ${MAX_CLOCK_SKEW_SECONDS} s in the future`);
  }
}

/** Throws ERR_TRUST_STATEMENT_INVALID with the field and what was expected. */
export function statementInvalid(message: string): never {
  throw new ProtocolError("ERR_TRUST_STATEMENT_INVALID", message);
}
