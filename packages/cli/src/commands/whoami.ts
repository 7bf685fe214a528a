import { antsHome, openKeystoreFile } from "@ants/client";
import { publicKeyToJwk } from "@ants/protocol";
import type { Command } from "commander";
import {
  addIdentityOptions,
  type IdentityOptions,
  identityKeystorePath,
  passphraseFor,
} from "../identity-options.ts";
import { agentIdOf } from "../key-event-home.ts";
import { printResult } from "../output.ts";

/**
 * Registers `ants whoami`: unlocks the keystore and prints the agent ID, its key id and its
 * public key as a JWK.
 *
 * @example
 * registerWhoami(program); // ants whoami [--json]
 */
export function registerWhoami(program: Command): void {
  addIdentityOptions(program.command("whoami"))
    .description("unlock this agent's keystore and print its ID, key id and public JWK")
    .action(async (options: IdentityOptions) => {
      const path = await identityKeystorePath(options);
      const passphrase = await passphraseFor(options);
      const { signer, publicKey } = await openKeystoreFile(path, passphrase);
      // After a rotation the keystore holds the current key; the ID stays the inception key's.
      const did = await agentIdOf(antsHome({ home: options.home }), signer);
      const publicKeyJwk = publicKeyToJwk(publicKey);
      printResult(
        { json: options.json === true },
        { id: did, kid: publicKeyJwk.kid, publicKeyJwk },
        [`id:  ${did}`, `kid: ${publicKeyJwk.kid}`],
      );
    });
}
