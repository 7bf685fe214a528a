import type { Command } from "commander";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayAgent, saveSession } from "../relay-session.ts";

/**
 * Registers `ants login`: opens a session at a relay and prints when it expires. Later commands
 * reuse it; the SDK logs in again by itself before it expires.
 *
 * @example
 * registerLogin(program); // ants login --relay URL [--instance ID] [--json]
 */
export function registerLogin(program: Command): void {
  addRelayOptions(program.command("login"))
    .description("log in to a relay with this agent's key; prints the session's expiry")
    .action(async (options: RelayOptions) => {
      const agent = await relayAgent({ ...options, relay: options.relay });
      const session = await agent.login();
      await saveSession(options, agent);
      const expires = new Date(session.expiresAt * 1000).toISOString();
      printResult(
        { json: options.json === true },
        {
          agent: agent.did,
          sessionId: session.sessionId,
          instance: session.instance,
          expiresAt: session.expiresAt,
        },
        [
          `session ${session.sessionId} for ${agent.did}`,
          `expires ${expires} (${session.expiresAt})`,
        ],
      );
    });
}
