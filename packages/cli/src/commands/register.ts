import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayAgent } from "../relay-session.ts";

interface RegisterOptions extends RelayOptions {
  owner?: string;
  instances: string;
}

/**
 * Registers `ants register`: registers this agent with a relay (a statement signed by its key).
 *
 * @example
 * registerRegister(program); // ants register --relay URL [--owner DID] [--instances N]
 */
export function registerRegister(program: Command): void {
  addRelayOptions(program.command("register"))
    .description("register this agent with a relay")
    .option("--owner <did>", "the owner's agent ID, kept for key recovery")
    .option("--instances <n>", "how many instances of this agent run at most", "1")
    .action(async (options: RegisterOptions) => {
      if (!/^[1-9][0-9]{0,3}$/.test(options.instances)) {
        throw new CliError("ERR_USAGE", "--instances: expected an integer from 1 to 1024");
      }
      const agent = await relayAgent(options);
      const record = await agent.register({
        instances: Number(options.instances),
        ...(options.owner === undefined ? {} : { owner: options.owner }),
      });
      printResult({ json: options.json === true }, record, [`registered ${record.id}`]);
    });
}
