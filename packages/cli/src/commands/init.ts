import { rm } from "node:fs/promises";
import { join } from "node:path";
import {
  antsHome,
  createInception,
  createKeystoreFile,
  KEY_EVENT_LOG_FILE,
  keystorePath,
  writeKeyEventLogFile,
} from "@ants/client";
import { createSigner, generateKeyPair, MAX_DECLARED_INSTANCES } from "@ants/protocol";
import type { Command } from "commander";
import { parseIntegerOption } from "../duration.ts";
import {
  addIdentityOptions,
  type IdentityOptions,
  identityKeystorePath,
  insecureWorkFactorFromEnv,
  passphraseFor,
} from "../identity-options.ts";
import { assertNoKeystore } from "../keystore-guard.ts";
import { printNote, printResult } from "../output.ts";

/** The next key's keystore inside the agent home, until it is moved off the host. */
export const NEXT_KEYSTORE_NAME = "next-key.age";

interface InitOptions extends IdentityOptions {
  force?: boolean;
  preRotate?: boolean;
  instances: string;
}

/**
 * Registers `ants init`: creates the agent's identity key in an encrypted keystore and signs its
 * inception (docs/spec/key-events.md 2.2) into `key-events.json` beside it. With `--pre-rotate`
 * it also creates the next key, in its own keystore meant to be moved off the host, and commits
 * to it in the inception.
 *
 * @example
 * registerInit(program); // ants init [--pre-rotate] [--instances N] [--home DIR] [--json]
 */
export function registerInit(program: Command): void {
  addIdentityOptions(program.command("init"))
    .description("create this agent's identity: a new Ed25519 key and its signed inception")
    .option("--force", "replace an existing identity (the old key is lost)")
    .option("--pre-rotate", `also create the next key in ${NEXT_KEYSTORE_NAME}, to move off host`)
    .option("--instances <n>", "how many instances of this agent run at once", "1")
    .action(async (options: InitOptions) => {
      const instances = parseIntegerOption(
        options.instances,
        "--instances",
        1,
        MAX_DECLARED_INSTANCES,
      );
      const path = await identityKeystorePath(options);
      const force = options.force === true;
      // Refuse before asking for a passphrase that would only be thrown away.
      if (!force) await assertNoKeystore(path);
      const passphrase = await passphraseFor(options, { confirm: true });
      const write = { force, ...insecureWorkFactorFromEnv() };
      const { seed } = generateKeyPair();
      const written = await createKeystoreFile(path, seed, passphrase, write);
      const signer = createSigner(seed);
      seed.fill(0);
      const home = antsHome({ home: options.home });
      const next = await createNextKey(home, options.preRotate === true, passphrase, write);
      const logPath = join(home, KEY_EVENT_LOG_FILE);
      const inception = createInception({ signer, instances, nextPublicKey: next?.publicKey });
      await writeKeyEventLogFile(logPath, inception);
      printNote(`keystore written to ${path}`);
      printNote(`signed inception written to ${logPath}`);
      if (next) printNote(`next key written to ${next.path}: move it off this host`);
      const result = {
        id: written.did,
        keyEventLog: logPath,
        ...(next && { nextKeystore: next.path }),
      };
      printResult({ json: options.json === true }, result, [written.did]);
    });
}

/** Writes the next key's keystore, or with `--force` and no `--pre-rotate` removes a stale one. */
async function createNextKey(
  home: string,
  preRotate: boolean,
  passphrase: string,
  write: { force: boolean; insecureWorkFactorLog2ForTests?: number },
): Promise<{ path: string; publicKey: Uint8Array } | undefined> {
  const path = await keystorePath(home, NEXT_KEYSTORE_NAME);
  if (!preRotate) {
    // A next key left from a replaced identity would belong to no inception.
    if (write.force) await rm(path, { force: true });
    return undefined;
  }
  const { seed } = generateKeyPair();
  const { publicKey } = await createKeystoreFile(path, seed, passphrase, write);
  seed.fill(0);
  return { path, publicKey };
}
