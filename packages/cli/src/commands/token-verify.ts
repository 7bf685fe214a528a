import {
  type DelegationChainResult,
  decodeBase64url,
  evaluatePolicy,
  INVOCATION_TYP,
  isProtocolError,
  type JsonValue,
  ProtocolError,
  publicKeyFromJwk,
  StepBudget,
  verifyChain,
  verifyDelegations,
} from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { exitCodeFor } from "../exit-codes.ts";
import { printResult } from "../output.ts";
import { ReportedFailure } from "../reported-failure.ts";
import { nowOrAt, parseJsonOption } from "../token-options.ts";

interface VerifyOptions {
  at?: string;
  args?: string;
  audience?: string;
  sessionKey?: string;
  json?: boolean;
}

/**
 * Registers `ants token verify TOKEN... [--at UNIX] [--args JSON] [--json]`: verifies a chain
 * of delegations, root first, optionally ending with an invocation, offline. Prints
 * `{"valid": true, ...}` or `{"valid": false, "code": "ERR_..."}` and exits with the status the
 * CLI's error table gives that code.
 *
 * @example
 * registerTokenVerify(tokenCommand);
 */
export function registerTokenVerify(token: Command): void {
  token
    .command("verify")
    .description("verify delegations (root first), optionally ending with an invocation")
    .argument("<tokens...>", "compact tokens, root delegation first")
    .option("--at <unix>", "verify as of this time (default now)")
    .option("--args <json>", "check the chain's policies against these arguments")
    .option("--audience <did>", "with an invocation: the verifier's DID it must be addressed to")
    .option("--session-key <key>", "with an invocation: the actor's session key (JWK or base64url)")
    .option("--json", "print JSON for scripts")
    .action((tokens: string[], options: VerifyOptions) => {
      const mode = { json: options.json === true };
      let result: Record<string, unknown>;
      try {
        result = {
          valid: true,
          ...verifyTokens(
            tokens.map((t) => t.trim()),
            options,
          ),
        };
      } catch (error) {
        if (!isProtocolError(error)) throw error;
        printResult(mode, { valid: false, code: error.code, message: error.message }, [
          `invalid: ${error.message} (${error.code})`,
        ]);
        throw new ReportedFailure(exitCodeFor(error.code));
      }
      printResult(mode, result, humanLines(result));
    });
}

function verifyTokens(tokens: string[], options: VerifyOptions): Record<string, unknown> {
  const now = nowOrAt(options.at);
  const last = tokens.at(-1)!;
  if (typOf(last) === INVOCATION_TYP) {
    if (options.args !== undefined) {
      throw new CliError("ERR_USAGE", "--args: an invocation carries its own arguments");
    }
    const sessionKey = options.sessionKey === undefined ? undefined : keyOf(options.sessionKey);
    const result = verifyChain({
      delegations: tokens.slice(0, -1),
      invocation: last,
      now,
      ...(options.audience === undefined
        ? { insecureSkipAudienceCheck: true }
        : { audience: options.audience }),
      ...(sessionKey !== undefined && { invocationKey: () => sessionKey }),
    });
    const { actor, invocationHash } = result;
    return {
      ...summary(result),
      actor,
      invocationHash,
      audienceChecked: options.audience !== undefined,
    };
  }
  const chain = verifyDelegations({ delegations: tokens, now });
  if (options.args !== undefined) checkArgs(chain, parseJsonOption(options.args, "--args"));
  return { ...summary(chain), delegate: chain.delegate };
}

// Same rule as verifyChain's step 7: every statement of every link, one shared budget.
function checkArgs(chain: DelegationChainResult, args: JsonValue): void {
  const budget = new StepBudget();
  chain.compiledPolicies.forEach((policy, link) => {
    if (!evaluatePolicy(policy, args, { budget })) {
      throw new ProtocolError("ERR_POLICY_FAILED", `pol: a statement of link ${link} is false`);
    }
  });
}

function summary(chain: DelegationChainResult) {
  return {
    principal: chain.principal,
    command: chain.command,
    depth: chain.depth,
    approvals: chain.approvals,
    minLevel: chain.minLevel,
    expiresAt: chain.expiresAt,
    tokenHashes: chain.tokenHashes,
  };
}

function typOf(token: string): unknown {
  try {
    const header = Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8");
    return (JSON.parse(header) as { typ?: unknown }).typ;
  } catch {
    return undefined;
  }
}

function keyOf(text: string): Uint8Array {
  return text.trimStart().startsWith("{")
    ? publicKeyFromJwk(parseJsonOption(text, "--session-key"))
    : decodeBase64url(text, "--session-key");
}

function humanLines(result: Record<string, unknown>): string[] {
  const lines = ["valid:     yes"];
  for (const name of ["principal", "actor", "delegate", "command", "depth", "minLevel"]) {
    if (result[name] !== undefined) lines.push(`${`${name}:`.padEnd(11)}${String(result[name])}`);
  }
  const expiresAt = result.expiresAt as number;
  lines.push(`expires:   ${new Date(expiresAt * 1000).toISOString().replace(".000Z", "Z")}`);
  const approvals = result.approvals as { k: number; of: string[] }[];
  for (const { k, of } of approvals) lines.push(`approvals: ${k} of ${of.join(", ")}`);
  if (result.audienceChecked === false)
    lines.push("note:      invocation audience not checked (no --audience)");
  return lines;
}
