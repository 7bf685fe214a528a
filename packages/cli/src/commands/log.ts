import type { Command } from "commander";
import { registerLogCheckpoint } from "./log-checkpoint.ts";
import { registerLogProof } from "./log-proof.ts";
import { registerLogSearch } from "./log-search.ts";
import { registerLogVerify } from "./log-verify.ts";

/**
 * Registers the `ants log` group: checkpoint, proof, search, verify.
 *
 * @example
 * registerLog(program); // ants log verify --relay https://relay.example.com --full
 */
export function registerLog(program: Command): void {
  const log = program
    .command("log")
    .description("read and verify a relay's audit log (checkpoints, proofs, search, monitor)");
  registerLogCheckpoint(log);
  registerLogProof(log);
  registerLogSearch(log);
  registerLogVerify(log);
}
