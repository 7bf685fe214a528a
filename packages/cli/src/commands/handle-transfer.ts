import { HandleClient } from "@ants/client";
import type { Command } from "commander";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions } from "../relay-session.ts";
import { isoTime, withHandleAgent } from "./handle-options.ts";

/**
 * Registers `ants handle transfer NAME --to DID`: offers a handle this agent holds to another
 * agent. Nothing moves until that agent runs `ants handle accept NAME`.
 *
 * @example
 * registerHandleTransfer(group); // ants handle transfer kevin --to did:key:z6Mk...
 */
export function registerHandleTransfer(group: Command): void {
  addRelayOptions(group.command("transfer <name>"))
    .description("offer @name to another agent; it moves once that agent accepts")
    .requiredOption("--to <did>", "the agent ID of the new holder")
    .action(async (name: string, options: RelayOptions & { to: string }) => {
      const offer = await withHandleAgent(options, (agent) =>
        new HandleClient(agent).transfer(name, options.to),
      );
      printResult({ json: options.json === true }, offer, [
        `offered @${offer.handle} to ${offer.to} until ${isoTime(offer.expiresAt)}`,
        `nothing moves until it runs: ants handle accept ${offer.handle}`,
      ]);
    });
}
