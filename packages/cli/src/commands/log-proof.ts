import {
  assertInclusion,
  decodeLogEntry,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
} from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printResult } from "../output.ts";
import { addLogOptions, type LogOptions, logClientFor, readCount } from "./log-options.ts";

interface ProofOptions extends LogOptions {
  index?: string;
}

/**
 * Registers `ants log proof --index N`: fetches entry N with its inclusion proof and signed
 * checkpoint, and verifies all of it offline (signature, canonical entry, RFC 9162 inclusion).
 * Fails with ERR_LOG_PROOF_INVALID when the proof does not hold.
 *
 * @example
 * registerLogProof(group); // ants log proof --index 7 --json
 */
export function registerLogProof(group: Command): void {
  addLogOptions(group.command("proof"))
    .description("fetch an entry with its inclusion proof and verify it against the checkpoint")
    .option("--index <n>", "the entry's index in the log")
    .action(async (options: ProofOptions) => {
      const index = readCount("--index", options.index);
      if (index === undefined) throw new CliError("ERR_USAGE", "--index: required");
      const log = logClientFor(options);
      const { logVerifierKey } = await log.discover();
      const bundle = await log.bundle(index);
      const checkpoint = openCheckpoint(bundle.checkpoint ?? "", [
        parseVerifierKey(logVerifierKey),
      ]);
      const entry = decodeLogEntry(bundle.entry);
      assertInclusion({
        index,
        size: checkpoint.size,
        leafHash: leafHash(bundle.entry),
        proof: bundle.proof,
        rootHash: checkpoint.rootHash,
      });
      const proof = bundle.proof.map((hash) => Buffer.from(hash).toString("base64"));
      printResult(
        { json: options.json === true },
        {
          index,
          size: checkpoint.size,
          verified: true,
          entry,
          proof,
          checkpoint: bundle.checkpoint,
        },
        [
          `entry ${index} is in the log of ${checkpoint.size} entries (proof of ${proof.length} hashes verified)`,
          new TextDecoder().decode(bundle.entry),
        ],
      );
    });
}
