import { didFromPublicKey } from "../did/did-key.ts";
import { MAX_CLOCK_SKEW_SECONDS } from "../invocation/verify-chain.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readDid,
  readHash,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { OUTCOME_TYP } from "../jws/token-types.ts";
import {
  checkTrustStatement,
  MAX_TRUST_STATEMENT_BYTES,
  statementInvalid,
  type VerifyTrustStatementOptions,
} from "./trust-statement.ts";

/** The two results an outcome can report. */
export const OUTCOME_RESULTS = ["success", "failure"] as const;

/** One of {@link OUTCOME_RESULTS}. */
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

/** The claims of an outcome report (`typ: ants-outcome+jwt`, docs/spec/trust.md 3.2). */
export interface OutcomeClaims {
  /** The reporter: a party of the action or a resource server; its identity key signs. */
  readonly iss: string;
  /** The agent that acted (the invocation's `iss`). */
  readonly sub: string;
  /** The relay's DID. */
  readonly aud: string;
  /** Token hash of the invocation the relay authorized. */
  readonly inv: string;
  readonly res: OutcomeResult;
  readonly iat: number;
  readonly jti: string;
}

/** An outcome that parsed, before its signature is checked. */
export interface ParsedOutcome {
  readonly jws: ParsedJws;
  readonly claims: OutcomeClaims;
}

const MEMBERS = new Set(["iss", "sub", "aud", "inv", "res", "iat", "jti"]);

/**
 * Checks an outcome payload against the table of docs/spec/trust.md 3.2. Throws
 * ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const claims = readOutcomeClaims(jws.payload);
 */
export function readOutcomeClaims(payload: Claims): OutcomeClaims {
  assertOnlyMembers(payload, MEMBERS, "outcome");
  const res = payload.res;
  if (typeof res !== "string" || !(OUTCOME_RESULTS as readonly string[]).includes(res)) {
    claimInvalid("res", OUTCOME_RESULTS.join(" or "));
  }
  return {
    iss: readDid(payload.iss, "iss"),
    sub: readDid(payload.sub, "sub"),
    aud: readDid(payload.aud, "aud"),
    inv: readHash(payload.inv, "inv"),
    res: res as OutcomeResult,
    iat: readTime(payload.iat, "iat"),
    jti: readJti(payload.jti),
  };
}

/** Inputs of {@link signOutcome}: `iss` defaults to the signer's did:key. */
export type OutcomeInput = Omit<OutcomeClaims, "iss" | "iat" | "jti"> & {
  iss?: string;
  iat?: number;
  jti?: string;
};

/**
 * Signs an outcome report with the reporter's identity key. Throws ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const outcome = signOutcome(
 *   { sub: actor, aud: relayDid, inv: decision.invocationHash, res: "success" },
 *   { signer },
 * );
 */
export function signOutcome(input: OutcomeInput, options: SignTokenOptions): string {
  const claims = {
    iss: input.iss ?? didFromPublicKey(options.signer.publicKey),
    sub: input.sub,
    aud: input.aud,
    inv: input.inv,
    res: input.res,
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
  };
  readOutcomeClaims(claims);
  return signCompactJws(OUTCOME_TYP, claims, options.signer);
}

/**
 * Parses an outcome report and its claims (docs/spec/trust.md 3.3 checks 1 and 2) without
 * checking the signature. Throws ERR_JWS_*, ERR_TOKEN_TOO_LARGE or ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const parsed = parseOutcome(body.outcome);
 */
export function parseOutcome(token: unknown): ParsedOutcome {
  const jws = parseCompactJws(token, { typ: OUTCOME_TYP, maxBytes: MAX_TRUST_STATEMENT_BYTES });
  return { jws, claims: readOutcomeClaims(jws.payload) };
}

/**
 * Verifies a parsed outcome (3.3 checks 3 to 7): the reporter's signature, `aud`, not a report
 * on oneself, and `iat` within 60 s of now, since an outcome is reported as it happens. Whether
 * the action was authorized and the reporter was a party to it is the relay's to check. Throws
 * the codes of checkTrustStatement; returns the claims.
 *
 * @example
 * const claims = verifyOutcome(parseOutcome(token), { relay: relayDid, now });
 */
export function verifyOutcome(
  parsed: ParsedOutcome,
  options: VerifyTrustStatementOptions,
): OutcomeClaims {
  checkTrustStatement(parsed.jws, parsed.claims, options);
  if (options.now - parsed.claims.iat > MAX_CLOCK_SKEW_SECONDS) {
    statementInvalid(`iat: more than ${MAX_CLOCK_SKEW_SECONDS} s ago`);
  }
  return parsed.claims;
}
