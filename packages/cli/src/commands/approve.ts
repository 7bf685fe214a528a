import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayAgent, saveSession } from "../relay-session.ts";

/**
 * Registers `ants approve`: signs an approval of a pending invocation with this agent's key.
 *
 * @example
 * registerApprove(program); // ants approve --relay URL HASH
 */
export function registerApprove(program: Command): void {
  addRelayOptions(program.command("approve"))
    .description("approve a pending invocation, named by its hash")
    .argument(
      "<hash>",
      "the invocation hash a pending decision names (after --, e.g. `ants approve -- HASH`, when it begins with -)",
    )
    .action(async (hash: string, options: RelayOptions) => {
      if (!/^[A-Za-z0-9_-]{43}$/.test(hash)) {
        throw new CliError("ERR_USAGE", "hash: expected 43 base64url characters");
      }
      const agent = await relayAgent(options);
      const result = await agent.approve(hash);
      await saveSession(options, agent);
      const state = result.satisfied ? "approvals complete" : "more approvals needed";
      printResult({ json: options.json === true }, result, [`approved ${hash}: ${state}`]);
    });
}
