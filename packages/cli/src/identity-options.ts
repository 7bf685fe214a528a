// Options shared by the commands that read or write the agent's keystore.

import { antsHome, keystorePath, resolvePassphrase } from "@ants/client";
import type { Command } from "commander";
import { CliError } from "./cli-error.ts";
import { printNote } from "./output.ts";

/** The parsed values of {@link addIdentityOptions}. */
export interface IdentityOptions {
  home?: string;
  passphraseFile?: string;
  json?: boolean;
}

/**
 * Test-only environment variable: log2 of the scrypt work factor for new keystores. Its name
 * says the risk; a keystore written with it set is cheap to brute-force.
 */
export const INSECURE_SCRYPT_ENV = "ANTS_INSECURE_SCRYPT_LOG2_FOR_TESTS";

/**
 * Adds `--home`, `--passphrase-file` and `--json` to a command.
 *
 * @example
 * addIdentityOptions(program.command("whoami"));
 */
export function addIdentityOptions(command: Command): Command {
  return command
    .option("--home <dir>", "agent home directory (default: $ANTS_HOME or ~/.ants)")
    .option("--passphrase-file <file>", "read the keystore passphrase from this file")
    .option("--json", "print JSON for scripts");
}

/**
 * The keystore path for these options: `identity.age` inside the agent home.
 *
 * @example
 * await identityKeystorePath({ home: "/srv/agent" }); // "/srv/agent/identity.age"
 */
export async function identityKeystorePath(options: IdentityOptions): Promise<string> {
  return keystorePath(antsHome({ home: options.home }));
}

/**
 * Resolves the passphrase from `--passphrase-file`, the environment or a no-echo prompt.
 *
 * @example
 * const passphrase = await passphraseFor(options, { confirm: true });
 */
export function passphraseFor(options: IdentityOptions, { confirm = false } = {}) {
  return resolvePassphrase({ passphraseFile: options.passphraseFile, confirm });
}

/**
 * Reads {@link INSECURE_SCRYPT_ENV}; returns undefined when unset, and warns when set.
 *
 * @example
 * await createKeystoreFile(path, seed, passphrase, insecureWorkFactorFromEnv());
 */
export function insecureWorkFactorFromEnv(): { insecureWorkFactorLog2ForTests?: number } {
  const raw = process.env[INSECURE_SCRYPT_ENV];
  if (raw === undefined || raw === "") return {};
  if (!/^[1-9][0-9]?$/.test(raw) || Number(raw) > 20) {
    throw new CliError("ERR_USAGE", `${INSECURE_SCRYPT_ENV}: expected an integer from 1 to 20`);
  }
  printNote(`warning: ${INSECURE_SCRYPT_ENV} is set; this keystore is cheap to brute-force`);
  return { insecureWorkFactorLog2ForTests: Number(raw) };
}
