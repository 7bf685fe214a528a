import type { Decision } from "@ants/client";
import type { JsonValue } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { exitCodeFor } from "../exit-codes.ts";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayAgent, saveSession } from "../relay-session.ts";
import { ReportedFailure } from "../reported-failure.ts";
import { DEFAULT_WAIT_SECONDS, waitForDecision, waitSeconds } from "../wait-decision.ts";

interface InvokeOptions extends RelayOptions {
  cmd: string;
  args: string;
  chain: string[];
  resource?: string;
  cause?: string;
  wait?: string | boolean;
}

/**
 * Registers `ants invoke`: asks the relay to authorize a command (logging in first when there is
 * no live session) and prints the decision; `--json` prints the whole answer. A `deny` exits
 * with the status of its reason code. With `--wait`, a `pending` answer is polled until it is
 * decided; one still pending when the wait runs out exits with ERR_APPROVAL_REQUIRED's status.
 *
 * @example
 * registerInvoke(program); // ants invoke --relay URL --cmd /path --args JSON --chain TOKEN...
 */
export function registerInvoke(program: Command): void {
  addRelayOptions(program.command("invoke"))
    .description("ask the relay whether this agent may run a command; prints the decision")
    .requiredOption("--cmd <path>", "the command, e.g. /social/post")
    .option("--args <json>", "the arguments, a JSON object", "{}")
    .requiredOption("--chain <tokens...>", "the delegations, root first")
    .option("--resource <url>", "the resource server the access token is for")
    .option("--cause <hash>", "hash of the invocation this one carries out")
    .option(
      "--wait [seconds]",
      `on pending, poll until allow or deny, at most SECONDS (default ${DEFAULT_WAIT_SECONDS})`,
    )
    .action(async (options: InvokeOptions) => {
      const wait = waitSeconds(options.wait);
      const agent = await relayAgent(options);
      const answer = await agent.invoke({
        cmd: options.cmd,
        args: parseArgs(options.args),
        chain: options.chain,
        ...(options.resource === undefined ? {} : { resource: options.resource }),
        ...(options.cause === undefined ? {} : { cause: options.cause }),
      });
      await saveSession(options, agent);
      const decision =
        wait === undefined || answer.decision !== "pending"
          ? answer
          : await waitForDecision(agent, answer, wait);
      printDecision(options, decision);
      // Still pending when the wait ran out: the status scripts branch on for approvals.
      if (wait !== undefined && decision.decision === "pending") {
        throw new ReportedFailure(exitCodeFor("ERR_APPROVAL_REQUIRED"));
      }
    });
}

function parseArgs(text: string): { [name: string]: JsonValue } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError("ERR_USAGE", "--args: not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new CliError("ERR_USAGE", "--args: expected a JSON object");
  }
  return value as { [name: string]: JsonValue };
}

/**
 * Prints a decision as `ants invoke` does; a `deny` exits with the status of its reason code.
 *
 * @example
 * printDecision({ json: true }, decision);
 */
export function printDecision(options: { json?: boolean }, decision: Decision): void {
  printResult({ json: options.json === true }, decision, describeDecision(decision));
  if (decision.decision === "deny") throw new ReportedFailure(exitCodeFor(decision.reason ?? ""));
}

/**
 * The readable lines for a decision.
 *
 * @example
 * describeDecision(decision); // ["allow /social/draft (audit entry 12)", "access token: ..."]
 */
export function describeDecision(decision: Decision): string[] {
  const audit = `audit entry ${decision.auditIndex}`;
  if (decision.decision === "deny") {
    return [
      `deny ${decision.command}: ${decision.reason} (${audit})`,
      `  ${decision.detail ?? ""}`,
    ];
  }
  if (decision.decision === "pending") {
    const waiting = (decision.approvals ?? [])
      .map((a) => `${a.k} of ${a.of.join(", ")}`)
      .join("; ");
    return [
      `pending ${decision.command} (${audit})`,
      `  invocation ${decision.invocationHash}`,
      `  needs approval: ${waiting}`,
    ];
  }
  const lines = [`allow ${decision.command} (${audit})`];
  if (decision.accessToken !== undefined) lines.push(`access token: ${decision.accessToken}`);
  return lines;
}
