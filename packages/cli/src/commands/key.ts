import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { ClientError, createKeystoreFile } from "@ants/client";
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

/** 32 bytes as hex, with at most one trailing newline. */
const SEED_HEX = /^([0-9a-fA-F]{64})\r?\n?$/;

/**
 * Registers `ants key` and its subcommands (`ants key import`, `ants key new`).
 *
 * @example
 * registerKey(program); // ants key import --seed-file F; ants key new --out F
 */
export function registerKey(program: Command): void {
  const key = program.command("key").description("manage this agent's identity key");
  addIdentityOptions(key.command("import"))
    .description("import an existing Ed25519 seed (32 bytes as hex) into a new keystore")
    .requiredOption("--seed-file <file>", "file holding the 32-byte seed as 64 hex digits")
    .option("--force", "replace an existing identity (the old key is lost)")
    .action(async (options: IdentityOptions & { seedFile: string; force?: boolean }) => {
      const path = await identityKeystorePath(options);
      const force = options.force === true;
      if (!force) await assertNoKeystore(path);
      const seed = await readSeedFile(options.seedFile);
      const passphrase = await passphraseFor(options, { confirm: true });
      const written = await createKeystoreFile(path, seed, passphrase, {
        force,
        ...insecureWorkFactorFromEnv(),
      });
      seed.fill(0);
      printNote(`keystore written to ${path}`);
      printResult({ json: options.json === true }, { id: written.did }, [written.did]);
    });
  addIdentityOptions(key.command("new"))
    .description("create a fresh key in its own keystore, e.g. the new key of a recovery")
    .requiredOption("--out <file>", "where to write the new keystore")
    .option("--force", "replace an existing file")
    .action(async (options: IdentityOptions & { out: string; force?: boolean }) => {
      const path = resolve(options.out);
      const force = options.force === true;
      if (!force) await assertNoKeystore(path);
      const passphrase = await passphraseFor(options, { confirm: true });
      const { seed } = generateKeyPair();
      const written = await createKeystoreFile(path, seed, passphrase, {
        force,
        ...insecureWorkFactorFromEnv(),
      });
      seed.fill(0);
      printNote(`keystore written to ${path}; its did:key is the public half to hand over`);
      printResult({ json: options.json === true }, { id: written.did, file: path }, [written.did]);
    });
}

async function readSeedFile(path: string): Promise<Uint8Array> {
  let text: string;
  try {
    text = await readFile(path, "latin1");
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ClientError("ERR_IO", `seed file: ${reason}`, { cause });
  }
  const match = SEED_HEX.exec(text);
  if (match === null) {
    throw new ClientError("ERR_KEYSTORE_SEED_INVALID", "seed file: expected 64 hex digits");
  }
  return new Uint8Array(Buffer.from(match[1]!, "hex"));
}
