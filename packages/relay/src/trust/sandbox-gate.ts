import type { ChainApproval, ChainVerification } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";

/** What the sandbox decided: a refusal, or the approvals it adds to the chain's own. */
export type SandboxOutcome = { refusal: RelayError } | { approvals: ChainApproval[] };

/**
 * The sandbox of docs/spec/trust.md 8, after the trust gate: the policy file's rule for the
 * command at the actor's level may limit the rate (ERR_SANDBOX_RATE_LIMITED, a `deny`) or require
 * approvals (the decision goes `pending` as for a chain's `apr`). O(1): a Map lookup for the
 * level, one for the limiter.
 *
 * @example
 * const sandbox = sandboxGate(context, result, now);
 * if ("refusal" in sandbox) deny(...);
 */
export function sandboxGate(
  context: RelayContext,
  result: Pick<ChainVerification, "actor" | "command" | "invocationHash">,
  now: number,
): SandboxOutcome {
  const level = context.trustLevelOf(result.actor);
  const found = context.policy.sandbox?.ruleFor(result.command, level);
  if (found === undefined) return { approvals: [] };
  const { prefix, rule } = found;
  const key = `${result.actor} ${prefix}`;
  if (
    rule.ratePerMinute !== undefined &&
    !context.trust.limiter.take(key, rule.ratePerMinute, now)
  ) {
    return {
      refusal: new RelayError(
        "ERR_SANDBOX_RATE_LIMITED",
        `sandbox: ${prefix} allows ${rule.ratePerMinute} calls a minute at L${level}`,
      ),
    };
  }
  if (rule.approvals === undefined) return { approvals: [] };
  const { k, of } = rule.approvals;
  return { approvals: [{ k, of, tokenHash: result.invocationHash, issuer: context.identity.did }] };
}

/**
 * Who may report the outcome of an allowed action: its principal and every issuer in its chain.
 *
 * @example
 * context.trust.actions.remember(hash, { actor, parties: partiesOf(result), at: now });
 */
export function partiesOf(result: ChainVerification): string[] {
  return [...new Set([result.principal, ...result.links.map((link) => link.claims.iss)])];
}
