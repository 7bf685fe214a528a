import { createKeystoreFile } from "@ants/client";
import { generateKeyPair } from "@ants/protocol";
import type { Command } from "commander";
import {
  addIdentityOptions,
  type IdentityOptions,
  identityKeystorePath,
  insecureWorkFactorFromEnv,
  passphraseFor,
} from "../identity-options.ts";
import { assertNoKeystore } from "../keystore-guard.ts";
import { printNote, printResult } from "../output.ts";

/**
 * Registers `ants init`: creates the agent's identity key and its encrypted keystore.
 *
 * @example
 * registerInit(program); // ants init [--home DIR] [--passphrase-file F] [--force] [--json]
 */
export function registerInit(program: Command): void {
  addIdentityOptions(program.command("init"))
    .description("create this agent's identity: a new Ed25519 key in an encrypted keystore")
    .option("--force", "replace an existing identity (the old key is lost)")
    .action(async (options: IdentityOptions & { force?: boolean }) => {
      const path = await identityKeystorePath(options);
      const force = options.force === true;
      // Refuse before asking for a passphrase that would only be thrown away.
      if (!force) await assertNoKeystore(path);
      const passphrase = await passphraseFor(options, { confirm: true });
      const { seed } = generateKeyPair();
      const written = await createKeystoreFile(path, seed, passphrase, {
        force,
        ...insecureWorkFactorFromEnv(),
      });
      seed.fill(0);
      printNote(`keystore written to ${path}`);
      printResult({ json: options.json === true }, { id: written.did }, [written.did]);
    });
}
