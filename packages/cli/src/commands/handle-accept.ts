import { HandleClient } from "@ants/client";
import type { Command } from "commander";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions } from "../relay-session.ts";
import { handleRefAt, withHandleAgent } from "./handle-options.ts";

/**
 * Registers `ants handle accept NAME`: reads the transfer offered to this agent and accepts it
 * by signing its exact hash.
 *
 * @example
 * registerHandleAccept(group); // ants handle accept kevin
 */
export function registerHandleAccept(group: Command): void {
  addRelayOptions(group.command("accept <name>"))
    .description("accept @name offered to this agent by its holder")
    .action(async (name: string, options: RelayOptions) => {
      const resolved = await withHandleAgent(options, (agent) =>
        new HandleClient(agent).accept(name),
      );
      const ref = handleRefAt(resolved.handle, resolved.origin);
      printResult({ json: options.json === true }, { ...resolved, ref }, [
        `${ref} now resolves to ${resolved.agent}`,
      ]);
    });
}
