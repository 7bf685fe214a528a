import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { addRelayOptions, type RelayOptions, relayAgent, saveSession } from "../relay-session.ts";
import { printDecision } from "./invoke.ts";

/**
 * Registers `ants authorize status HASH`: the current decision of an invocation this agent
 * submitted (or must approve), fetched once from `GET /v1/authorize/{hash}`. Once the approvals
 * are in, the actor's first fetch decides it again and answers `allow` with its access token.
 * Exits like `ants invoke`: 0 for allow and pending, the reason's status for deny.
 *
 * @example
 * registerAuthorize(program); // ants authorize status --relay URL HASH [--json]
 */
export function registerAuthorize(program: Command): void {
  const authorize = program
    .command("authorize")
    .description("decisions of invocations already submitted");
  addRelayOptions(authorize.command("status"))
    .description("fetch the current decision of a submitted invocation, by its hash")
    .argument(
      "<hash>",
      "the invocation hash a pending decision names (after --, e.g. `ants authorize status -- HASH`, when it begins with -)",
    )
    .action(async (hash: string, options: RelayOptions) => {
      if (!/^[A-Za-z0-9_-]{43}$/.test(hash)) {
        throw new CliError("ERR_USAGE", "hash: expected 43 base64url characters");
      }
      const agent = await relayAgent(options);
      const decision = await agent.pending(hash);
      await saveSession(options, agent);
      printDecision(options, decision);
    });
}
