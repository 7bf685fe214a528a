import { commandCovers } from "../delegation/command.ts";
import type { VerifiedLink } from "../delegation/link-cache.ts";
import {
  assertNotRevoked,
  resolveDidKey,
  type VerificationHooks,
} from "../delegation/verification-hooks.ts";
import {
  assertTime,
  type DelegationChainResult,
  summarizeChain,
} from "../delegation/verify-delegations.ts";
import { chainHashes, checkChainShape, verifyLinks } from "../delegation/verify-links.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { INVOCATION_TYP, MAX_INVOCATION_BYTES } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { assertPoliciesHold } from "../policy/evaluate-policy.ts";
import { type InvocationClaims, readInvocationClaims } from "./invocation-claims.ts";

/** Most seconds an invocation's `iat` may differ from the verifier's clock (spec 4.1). */
export const MAX_CLOCK_SKEW_SECONDS = 60;

/**
 * Resolves the public key of the actor's session for the invocation's `kid` (spec 4.2). A relay
 * answers from the actor's login; offline, the default is the actor's identity key.
 */
export type InvocationKeyResolver = (
  actor: string,
  kid: string,
  atTime: number,
) => Uint8Array | undefined;

/** Options for {@link verifyChain}. */
export interface VerifyChainOptions extends VerificationHooks {
  /** The delegations, root first, exactly as received (alias: `tokens`). */
  delegations?: readonly string[];
  tokens?: readonly string[];
  /** The invocation, exactly as received. */
  invocation: string;
  /** Verifier's time, Unix seconds. */
  now: number;
  /** The verifier's own DID, required in the invocation's `aud`. */
  audience?: string;
  /** Accept any `aud`; only for offline inspection, never for a decision. Default false. */
  insecureSkipAudienceCheck?: boolean;
  /** The HTTP request the invocation must be bound to (`htm`, `htu`). */
  request?: { readonly method: string; readonly url: string };
  /** Session key resolution; default: `resolveKey` on the actor's DID (its identity key). */
  invocationKey?: InvocationKeyResolver;
  /**
   * The invocation as `parseInvocation` already returned it, so a caller that parsed it to bind
   * the request does not pay for a second parse. Used only when its `compact` is `invocation`.
   */
  parsedInvocation?: ParsedInvocation;
}

/** An invocation parsed strictly (spec 4.3) with its claims read (spec 2.2); not yet verified. */
export interface ParsedInvocation {
  readonly jws: ParsedJws;
  readonly claims: InvocationClaims;
}

/**
 * Parses an invocation and reads its claims without checking its signature or chain. Throws the
 * parse codes of `parseCompactJws` and ERR_TOKEN_CLAIM_INVALID.
 *
 * @example
 * const parsed = parseInvocation(token);
 * verifyChain({ invocation: token, parsedInvocation: parsed, delegations, now, audience });
 */
export function parseInvocation(invocation: string): ParsedInvocation {
  const jws = parseCompactJws(invocation, { typ: INVOCATION_TYP, maxBytes: MAX_INVOCATION_BYTES });
  return { jws, claims: readInvocationClaims(jws.payload) };
}

/** What a verified invocation may do (spec 4.4, "Result"). */
export interface ChainVerification extends DelegationChainResult {
  /** `iss` of the invocation: who acts. */
  readonly actor: string;
  /** `aud` of the invocation. */
  readonly audience: string;
  /** The command invoked (covered by every link's `cmd`). */
  readonly command: string;
  readonly args: InvocationClaims["args"];
  /** Token hash of the invocation, which approvals name. */
  readonly invocationHash: string;
  readonly invocation: InvocationClaims;
  /** Thumbprint of the key that signed the invocation (the session key). */
  readonly invocationKid: string;
}

/**
 * Verifies an invocation and the delegation chain it rests on, offline, in the order of
 * docs/spec/tokens.md section 4.4, and returns what it grants. Throws ProtocolError with the
 * code of the first failed check. Hooks are synchronous so a relay answers from memory.
 *
 * @example
 * const result = verifyChain({
 *   delegations: [root, child],
 *   invocation,
 *   now: Math.floor(Date.now() / 1000),
 *   audience: relayDid,
 *   resolveKey: (did, atTime, kid) => keys.at(did, atTime, kid),
 *   isRevoked: (query) => revocations.check(query),
 *   invocationKey: (actor, kid) => sessions.key(actor, kid),
 *   cache,
 * });
 * result.principal; result.actor; result.command; result.approvals;
 */
export function verifyChain(options: VerifyChainOptions): ChainVerification {
  assertTime(options.now);
  const delegations = options.delegations ?? options.tokens;
  checkChainShape(delegations);
  if (options.audience === undefined && options.insecureSkipAudienceCheck !== true) {
    throw new ProtocolError("ERR_MALFORMED", "audience: the verifier's DID is required");
  }
  // A parse handed in for other bytes is ignored, never trusted: the token checked is the one sent.
  const parsed =
    options.parsedInvocation?.jws.compact === options.invocation
      ? options.parsedInvocation
      : parseInvocation(options.invocation);
  const { jws, claims: invocation } = parsed;
  const hashes = chainHashes(delegations, invocation.prf, options.cache);
  checkProofs(invocation.prf, hashes);
  const links = verifyLinks(delegations, hashes, options);
  checkAgainstChain(invocation, links, options);
  const invocationHash = tokenHash(options.invocation);
  checkInvocationSignature(jws, invocation.iss, invocationHash, options);
  const chain = summarizeChain(links);
  assertPoliciesHold(chain.compiledPolicies, invocation.args);
  return {
    ...chain,
    actor: invocation.iss,
    audience: invocation.aud,
    command: invocation.cmd,
    args: invocation.args,
    invocationHash,
    invocation,
    invocationKid: jws.kid,
  };
}

// Spec 4.4 step 6: the session key (or, offline, the identity key) signed the invocation.
function checkInvocationSignature(
  jws: ParsedJws,
  actor: string,
  invocationHash: string,
  options: VerifyChainOptions,
): void {
  // Called directly rather than through adapter closures: this runs on every request.
  const key =
    options.invocationKey !== undefined
      ? options.invocationKey(actor, jws.kid, options.now)
      : (options.resolveKey ?? resolveDidKey)(actor, options.now, jws.kid);
  if (key === undefined || key === null) {
    throw new ProtocolError("ERR_KEY_UNKNOWN", "iss: no session key known for this actor and kid", {
      details: { kid: jws.kid },
    });
  }
  verifyJwsSignature(jws, key);
  assertNotRevoked(options.isRevoked, {
    tokenHash: invocationHash,
    issuer: actor,
    kid: jws.kid,
    seenAt: options.now,
    role: "invocation",
  });
}

// Spec 4.4 step 3: the invocation names the chain, in order, by the hashes of the exact tokens.
function checkProofs(prf: readonly string[], hashes: readonly string[]): void {
  if (prf.length !== hashes.length) {
    throw new ProtocolError("ERR_CHAIN_PROOF_MISMATCH", "prf: not one hash per delegation sent");
  }
  for (let i = 0; i < prf.length; i++) {
    if (prf[i] !== hashes[i]) {
      throw new ProtocolError(
        "ERR_CHAIN_PROOF_MISMATCH",
        `prf[${i}]: not the hash of delegation ${i}`,
      );
    }
  }
}

// Spec 4.4 step 5, in order.
function checkAgainstChain(
  invocation: InvocationClaims,
  links: readonly VerifiedLink[],
  options: VerifyChainOptions,
): void {
  const leaf = links[links.length - 1]!.claims;
  if (invocation.iss !== leaf.aud) {
    throw new ProtocolError("ERR_CHAIN_AUDIENCE_NOT_INVOKER", "iss: not the last delegation's aud");
  }
  if (invocation.sub !== links[0]!.claims.sub) {
    throw new ProtocolError("ERR_INVOCATION_SUBJECT_MISMATCH", "sub: not the chain's principal");
  }
  if (!commandCovers(leaf.cmd, invocation.cmd)) {
    throw new ProtocolError(
      "ERR_INVOCATION_CMD_MISMATCH",
      `cmd: ${invocation.cmd} is not under ${leaf.cmd}`,
    );
  }
  if (options.audience !== undefined && invocation.aud !== options.audience) {
    throw new ProtocolError("ERR_INVOCATION_AUDIENCE", "aud: not this verifier");
  }
  if (Math.abs(options.now - invocation.iat) > MAX_CLOCK_SKEW_SECONDS) {
    throw new ProtocolError(
      "ERR_INVOCATION_CLOCK_SKEW",
      `iat: more than ${MAX_CLOCK_SKEW_SECONDS} s from now`,
    );
  }
  const request = options.request;
  if (
    request !== undefined &&
    (invocation.htm !== request.method || invocation.htu !== request.url)
  ) {
    throw new ProtocolError("ERR_INVOCATION_HTTP_MISMATCH", "htm/htu: not this request");
  }
}
