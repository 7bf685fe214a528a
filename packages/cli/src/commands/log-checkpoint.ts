import { openCheckpoint, parseVerifierKey } from "@ants/protocol";
import type { Command } from "commander";
import { printResult } from "../output.ts";
import { addLogOptions, type LogOptions, logClientFor } from "./log-options.ts";

/**
 * Registers `ants log checkpoint`: fetches the relay's latest signed checkpoint and verifies its
 * signature against the key the relay publishes.
 *
 * @example
 * registerLogCheckpoint(group); // ants log checkpoint --relay http://127.0.0.1:7777 --json
 */
export function registerLogCheckpoint(group: Command): void {
  addLogOptions(group.command("checkpoint"))
    .description("fetch the log's latest signed checkpoint and check its signature")
    .action(async (options: LogOptions) => {
      const log = logClientFor(options);
      const { logVerifierKey, logOrigin } = await log.discover();
      const note = await log.checkpoint();
      const checkpoint = openCheckpoint(note, [parseVerifierKey(logVerifierKey)], {
        origin: logOrigin,
      });
      const rootHash = Buffer.from(checkpoint.rootHash).toString("base64");
      printResult(
        { json: options.json === true },
        { origin: checkpoint.origin, size: checkpoint.size, rootHash, note },
        [`origin: ${checkpoint.origin}`, `size:   ${checkpoint.size}`, `root:   ${rootHash}`],
      );
    });
}
