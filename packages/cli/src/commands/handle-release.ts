import { HandleClient } from "@ants/client";
import type { Command } from "commander";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions } from "../relay-session.ts";
import { isoTime, withHandleAgent } from "./handle-options.ts";

/**
 * Registers `ants handle release NAME`: gives up a handle this agent holds. The name stays in
 * quarantine for the relay's period before anyone may claim it.
 *
 * @example
 * registerHandleRelease(group); // ants handle release kevin --json
 */
export function registerHandleRelease(group: Command): void {
  addRelayOptions(group.command("release <name>"))
    .description("release @name; it is quarantined before anyone may claim it")
    .action(async (name: string, options: RelayOptions) => {
      const ended = await withHandleAgent(options, (agent) =>
        new HandleClient(agent).release(name),
      );
      printResult({ json: options.json === true }, ended, [
        `released @${ended.handle}; quarantined until ${isoTime(ended.quarantineUntil)}`,
      ]);
    });
}
