import { resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { parseDuration } from "../duration.ts";
import { insecureWorkFactorFromEnv } from "../identity-options.ts";
import { printNote, printResult } from "../output.ts";
import { DEFAULT_RELAY_DATA_DIR } from "./relay-start.ts";

/** Longest overlap accepted: 90 days. */
const MAX_OVERLAP_SECONDS = 90 * 86_400;

interface RotateKeyOptions {
  data: string;
  passphraseFile?: string;
  overlap: string;
  json?: boolean;
}

/**
 * Registers `ants relay rotate-key`: a new relay key becomes the signing key, and the old one
 * stays in the JWKS and the relay document (with its checkpoint verifier key) until the overlap
 * ends, so tokens and checkpoints it signed stay verifiable. Takes effect at the next start.
 *
 * @example
 * registerRelayRotateKey(program); // ants relay rotate-key --data DIR [--overlap 7d]
 */
export function registerRelayRotateKey(program: Command): void {
  const relay = program.commands.find((command) => command.name() === "relay");
  if (relay === undefined) throw new CliError("ERR_INTERNAL", "relay: group not registered");
  relay
    .command("rotate-key")
    .description("replace the relay's signing key, publishing the old one during an overlap")
    .option("--data <dir>", "the relay's data directory", DEFAULT_RELAY_DATA_DIR)
    .option("--passphrase-file <file>", "file holding the relay key's passphrase")
    .option("--overlap <duration>", "how long the old key stays published, e.g. 7d, 48h", "7d")
    .option("--json", "print JSON for scripts")
    .action(async (options: RotateKeyOptions) => {
      const overlapSeconds = parseDuration(options.overlap, "--overlap", MAX_OVERLAP_SECONDS);
      // Loaded here, not at the top: every other command starts without the server's modules.
      const { rotateRelayKey } = await import("@ants/relay");
      const dataDir = resolve(options.data);
      const rotation = await rotateRelayKey({
        dataDir,
        passphraseFile: options.passphraseFile,
        overlapSeconds,
        ...insecureWorkFactorFromEnv(),
      });
      printNote("restart the relay (each instance) to sign with the new key");
      printResult({ json: options.json === true }, rotation, [
        `relay key ${rotation.previous.kid} -> ${rotation.current.kid}`,
        `new DID ${rotation.current.did}`,
        `old key published until ${new Date(rotation.overlapUntil * 1000).toISOString()}`,
      ]);
    });
}
