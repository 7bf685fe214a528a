import { HandleClient } from "@ants/client";
import { DEFAULT_MAX_SOLVER_DIFFICULTY } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printNote, printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions } from "../relay-session.ts";
import { handleRefAt, withHandleAgent } from "./handle-options.ts";
import { solveInWorker } from "./handle-solver.ts";

/** The parsed options of `ants handle claim`. */
interface ClaimOptions extends RelayOptions {
  maxDifficulty?: string;
}

/**
 * Registers `ants handle claim NAME`: asks the relay for a challenge, solves it in a worker
 * thread with a progress bar on stderr, and claims the handle. Refuses before working when the
 * relay asks for more than `--max-difficulty` hashes (default 2^30, about half an hour of one
 * core).
 *
 * @example
 * registerHandleClaim(group); // ants handle claim kevin --relay https://relay.example.com
 */
export function registerHandleClaim(group: Command): void {
  addRelayOptions(group.command("claim <name>"))
    .description("solve the relay's proof of work and claim @name for this agent")
    .option(
      "--max-difficulty <hashes>",
      `refuse challenges above this many expected hashes (default ${DEFAULT_MAX_SOLVER_DIFFICULTY})`,
    )
    .action(async (name: string, options: ClaimOptions) => {
      const maxDifficulty = parseMaxDifficulty(options.maxDifficulty);
      const quiet = options.json === true;
      const { resolved, difficulty, solved } = await withHandleAgent(options, async (agent) => {
        const handles = new HandleClient(agent);
        const { challenge, difficulty } = await handles.challenge(name);
        if (!quiet) printNote(describeWork(challenge.handle, difficulty));
        const solved = await solveInWorker(challenge, { maxDifficulty, quiet });
        const resolved = await handles.claim(challenge.handle, challenge, solved.solution);
        return { resolved, difficulty, solved };
      });
      const ref = handleRefAt(resolved.handle, resolved.origin);
      printResult(
        { json: quiet },
        { ...resolved, ref, difficulty, hashes: solved.hashes, seconds: solved.seconds },
        [`${ref} now resolves to ${resolved.agent}`],
      );
    });
}

function describeWork(
  handle: string,
  difficulty: { expectedHashes: number; memoryHard: boolean },
): string {
  const hashes = difficulty.expectedHashes.toLocaleString("en");
  return `@${handle}: ${hashes} expected hashes${difficulty.memoryHard ? " and a memory-hard step" : ""}`;
}

function parseMaxDifficulty(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_SOLVER_DIFFICULTY;
  if (!/^[1-9][0-9]{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new CliError("ERR_USAGE", "--max-difficulty: expected a positive integer of hashes");
  }
  return Number(text);
}
