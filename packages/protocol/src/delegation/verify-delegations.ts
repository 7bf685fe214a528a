import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";
import type { CompiledPolicy } from "../policy/compile-policy.ts";
import type { ApprovalRequirement } from "./delegation-claims.ts";
import type { VerifiedLink } from "./link-cache.ts";
import type { VerificationHooks } from "./verification-hooks.ts";
import { chainHashes, checkChainShape, verifyLinks } from "./verify-links.ts";

/** An `apr` of one link, with the token that carries it. */
export interface ChainApproval extends ApprovalRequirement {
  readonly tokenHash: string;
  readonly issuer: string;
}

/** What a verified delegation chain grants, before any invocation. */
export interface DelegationChainResult {
  /** `sub` of every link: on whose behalf the chain acts. */
  readonly principal: string;
  /** `aud` of the last link: who may invoke. */
  readonly delegate: string;
  /** `cmd` of the last link: the widest command an invocation may name. */
  readonly command: string;
  /** Every link's `pol`, root first; all of them must hold (AND). */
  readonly policies: readonly (readonly JsonValue[])[];
  /** Number of delegations. */
  readonly depth: number;
  /** Every `apr` of the chain; each must be met. */
  readonly approvals: readonly ChainApproval[];
  /** Highest `lvl` in the chain, 0 when none. */
  readonly minLevel: number;
  /** Token hashes, root first. */
  readonly tokenHashes: readonly string[];
  /** Earliest `exp` of the chain. */
  readonly expiresAt: number;
  /** The verified links, root first. */
  readonly links: readonly VerifiedLink[];
  /** Compiled policies, root first, for evaluation without re-parsing. */
  readonly compiledPolicies: readonly CompiledPolicy[];
}

/** Options for {@link verifyDelegations}. */
export interface VerifyDelegationsOptions extends VerificationHooks {
  /** The delegations, root first, exactly as received. */
  delegations: readonly string[];
  /** Verifier's time, Unix seconds. */
  now: number;
}

/**
 * Verifies a delegation chain on its own (spec 4.4 steps 1 and 4), without an invocation: for
 * inspecting a chain before using it, or for an agent checking what it was given. Throws
 * ProtocolError with the first failure's code.
 *
 * @example
 * const chain = verifyDelegations({ delegations: [root, child], now: 1767225600 });
 * chain.delegate; // who may invoke
 */
export function verifyDelegations(options: VerifyDelegationsOptions): DelegationChainResult {
  assertTime(options.now);
  const delegations = options.delegations ?? (options as { tokens?: string[] }).tokens;
  checkChainShape(delegations);
  const hashes = chainHashes(delegations, undefined, options.cache);
  return summarizeChain(verifyLinks(delegations, hashes, options));
}

/**
 * Builds the chain result from verified links.
 *
 * @example
 * const chain = summarizeChain(verifyLinks(delegations, hashes, hooks));
 */
export function summarizeChain(links: readonly VerifiedLink[]): DelegationChainResult {
  const root = links[0]!;
  const leaf = links[links.length - 1]!;
  const approvals: ChainApproval[] = [];
  let minLevel = 0;
  let expiresAt = root.claims.exp;
  for (const link of links) {
    const { apr, lvl, exp, iss } = link.claims;
    if (apr !== undefined)
      approvals.push({ k: apr.k, of: apr.of, tokenHash: link.hash, issuer: iss });
    if (lvl !== undefined && lvl > minLevel) minLevel = lvl;
    if (exp < expiresAt) expiresAt = exp;
  }
  return {
    principal: root.claims.sub,
    delegate: leaf.claims.aud,
    command: leaf.claims.cmd,
    policies: links.map((link) => link.claims.pol),
    depth: links.length,
    approvals,
    minLevel,
    tokenHashes: links.map((link) => link.hash),
    expiresAt,
    links,
    compiledPolicies: links.map((link) => link.policy),
  };
}

/**
 * Refuses a verifier time that is not a non-negative finite number. Throws ERR_MALFORMED.
 *
 * @example
 * assertTime(Math.floor(Date.now() / 1000));
 */
export function assertTime(now: unknown): asserts now is number {
  if (typeof now !== "number" || !Number.isFinite(now) || now < 0) {
    throw new ProtocolError("ERR_MALFORMED", "now: expected Unix seconds");
  }
}
