import { access } from "node:fs/promises";
import { join } from "node:path";
import {
  Agent,
  antsHome,
  KEY_EVENT_LOG_FILE,
  type KeyEventLogDocument,
  openKeystoreFile,
  readKeyEventLogFile,
  readTokenFile,
  verifyKeyEventLogDocument,
  writeKeyEventLogFile,
} from "@ants/client";
import { didFromPublicKey, type Ed25519Signer, signInception } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { identityKeystorePath, passphraseFor } from "../identity-options.ts";
import { printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayUrl } from "../relay-session.ts";

interface RegisterOptions extends RelayOptions {
  owner?: string;
  ownerCert?: string;
  instances?: string;
}

/**
 * Registers `ants register`: registers this agent with a relay (a statement signed by its key),
 * sending the signed inception of `key-events.json` in the home when there is one, so the relay
 * pins the agent's key event log (docs/spec/key-events.md 8.1). `--owner-cert FILE` first
 * re-signs the inception with the owner's certificate inside it.
 *
 * @example
 * registerRegister(program); // ants register --relay URL [--owner-cert FILE] [--instances N]
 */
export function registerRegister(program: Command): void {
  addRelayOptions(program.command("register"))
    .description("register this agent with a relay, pinning its inception")
    .option("--owner <did>", "the owner's agent ID, kept for key recovery")
    .option("--owner-cert <file>", "the owner's certificate (ants owner certify) for the inception")
    .option("--instances <n>", "how many instances of this agent run at most (default: 1)")
    .action(async (options: RegisterOptions) => {
      if (options.instances !== undefined && !/^[1-9][0-9]{0,3}$/.test(options.instances)) {
        throw new CliError("ERR_USAGE", "--instances: expected an integer from 1 to 1024");
      }
      const url = relayUrl(options);
      const path = await identityKeystorePath(options);
      const { signer } = await openKeystoreFile(path, await passphraseFor(options));
      const logPath = join(antsHome({ home: options.home }), KEY_EVENT_LOG_FILE);
      const log = await localLog(logPath, signer, options.ownerCert);
      const declared = log?.instances ?? 1;
      const instances = options.instances === undefined ? declared : Number(options.instances);
      // The relay refuses a registration that contradicts the signed inception: say so first.
      if (log !== undefined && instances !== declared) {
        const why = `the inception declares ${declared} (ants init --instances)`;
        throw new CliError("ERR_USAGE", `--instances: ${instances}, but ${why}`);
      }
      const agent = new Agent({ relay: url, signer, instance: options.instance });
      const record = await agent.register({
        instances,
        ...(options.owner === undefined ? {} : { owner: options.owner }),
        ...(log === undefined ? {} : { inception: log.inception }),
      });
      const pinned = log === undefined ? "" : " with its inception";
      printResult({ json: options.json === true }, record, [`registered ${record.id}${pinned}`]);
    });
}

/** The inception to send and its declared instances, when the home holds a key event log. */
async function localLog(
  path: string,
  signer: Ed25519Signer,
  ownerCert: string | undefined,
): Promise<{ inception: string; instances: number } | undefined> {
  if (!(await exists(path))) {
    if (ownerCert !== undefined) {
      throw new CliError("ERR_USAGE", `--owner-cert: no ${KEY_EVENT_LOG_FILE} (run ants init)`);
    }
    return undefined;
  }
  let document = await readKeyEventLogFile(path);
  let log = verifyKeyEventLogDocument(document);
  if (ownerCert !== undefined) {
    document = await certify(document, signer, await readTokenFile(ownerCert));
    log = verifyKeyEventLogDocument(document);
    await writeKeyEventLogFile(path, document);
  }
  return { inception: document.events[0]!.event, instances: log.instances };
}

// The certificate lives inside the inception, which only the inception key signs: sign it again
// with the same next-key digest and instance count.
async function certify(document: KeyEventLogDocument, signer: Ed25519Signer, own: string) {
  if (document.events.length !== 1) {
    throw new CliError("ERR_USAGE", "--owner-cert: the log has rotated; the inception is fixed");
  }
  if (didFromPublicKey(signer.publicKey) !== document.id) {
    throw new CliError("ERR_USAGE", "--owner-cert: the log belongs to another identity");
  }
  const log = verifyKeyEventLogDocument(document);
  const now = Math.floor(Date.now() / 1000);
  const next = log.nextKeyDigest;
  const event = signInception(
    { ...(next === undefined ? {} : { n: next }), ins: log.instances, own, iat: now },
    { signer },
  );
  return { id: document.id, events: [{ event, receivedAt: now }] };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
