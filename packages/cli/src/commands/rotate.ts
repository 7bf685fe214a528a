import { join, resolve } from "node:path";
import {
  antsHome,
  createKeystoreFile,
  KEY_EVENT_LOG_FILE,
  type KeyEventLogDocument,
  keystorePath,
  openKeystoreFile,
  prepareRotation,
  RelayClient,
  readKeyEventLogFile,
} from "@ants/client";
import { type Ed25519Signer, generateKeyPair } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import {
  identityKeystorePath,
  insecureWorkFactorFromEnv,
  passphraseFor,
} from "../identity-options.ts";
import {
  discardKeystores,
  forgetSessions,
  installKeystores,
  recordAppended,
} from "../key-event-home.ts";
import { printNote, printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayUrl } from "../relay-session.ts";
import { collect } from "../token-options.ts";
import { NEXT_KEYSTORE_NAME } from "./init.ts";

interface RotateOptions extends RelayOptions {
  reason: string;
  compromisedSince?: string;
  nextKey?: string;
  alsoRelay: string[];
}

/**
 * Registers `ants rotate`: the agent rotates itself with its pre-committed next key
 * (docs/spec/key-events.md 5). It signs, with the next key's keystore, a rotation to a fresh
 * current key that commits to a fresh next key, appends it to the relay's log, and only once the
 * relay accepted it puts the new keys in place: the current key in `identity.age`, the new next
 * key where the old one was read from. The agent ID does not change.
 *
 * @example
 * registerRotate(program); // ants rotate --relay URL [--reason compromise --compromised-since T]
 */
export function registerRotate(program: Command): void {
  addRelayOptions(program.command("rotate"))
    .description("rotate this agent's key with its pre-committed next key; the ID stays")
    .option("--reason <reason>", "routine or compromise", "routine")
    .option("--compromised-since <unix>", "with compromise: from when the old key is held stolen")
    .option("--next-key <file>", `the next key's keystore (default: ${NEXT_KEYSTORE_NAME} in home)`)
    .option(
      "--also-relay <url>",
      "another relay holding the log: append there too; repeat",
      collect,
      [],
    )
    .action(async (options: RotateOptions) => {
      const compromisedSince = compromiseTime(options);
      const url = relayUrl(options);
      const home = antsHome({ home: options.home });
      const local = await readLocalLog(home);
      const nextPath = resolve(options.nextKey ?? (await keystorePath(home, NEXT_KEYSTORE_NAME)));
      const passphrase = await passphraseFor(options);
      const next = await openKeystoreFile(nextPath, passphrase);
      const client = new RelayClient({ url });
      const relayLog = await client.keyEvents(local.id);
      const identityPath = await identityKeystorePath(options);
      const pending = await writeNewKeys([identityPath, nextPath], passphrase);
      const rotation = { signer: next.signer, compromisedSince };
      const { event, answer } = await submitRotation(client, relayLog, pending, rotation);
      await installKeystores(pending.moves);
      const logPath = await recordAppended(home, relayLog, { event }, answer);
      await forgetSessions(home);
      printNote(`rotated: ${identityPath} holds the current key, ${nextPath} the next one`);
      printNote(`key event log updated in ${logPath}; move ${nextPath} off this host again`);
      const others = await appendElsewhere(options.alsoRelay, relayLog.id, event);
      const result = { ...answer, nextKeystore: nextPath, keyEventLog: logPath, others };
      printResult({ json: options.json === true }, result, [
        `${answer.id} now signs with ${answer.currentKey} (event ${answer.seq})`,
      ]);
    });
}

/** Signs the rotation to the new keys and appends it; discards the new keys on a refusal. */
async function submitRotation(
  client: RelayClient,
  relayLog: KeyEventLogDocument,
  pending: Awaited<ReturnType<typeof writeNewKeys>>,
  rotation: { signer: Ed25519Signer; compromisedSince: number | undefined },
) {
  try {
    const event = prepareRotation(relayLog, {
      signer: rotation.signer,
      auth: "next",
      newPublicKey: pending.current,
      nextPublicKey: pending.next,
      ...(rotation.compromisedSince === undefined
        ? {}
        : { compromisedSince: rotation.compromisedSince }),
    });
    return { event, answer: await client.appendKeyEvent(relayLog.id, event) };
  } catch (error) {
    await discardKeystores(pending.paths);
    throw error;
  }
}

/**
 * The same rotation appended to the other relays that pinned the agent's inception. The first
 * relay's acceptance is what installed the new keys, so a refusal here is reported, not thrown;
 * that relay keeps refusing the new key until the event (the last of `key-events.json`) is
 * appended there with `POST /v1/agents/{id}/events`.
 */
async function appendElsewhere(urls: readonly string[], id: string, event: string) {
  const results: ({ relay: string; seq: number } | { relay: string; error: string })[] = [];
  for (const url of urls) {
    try {
      const answer = await new RelayClient({ url: relayUrl({ relay: url }) }).appendKeyEvent(
        id,
        event,
      );
      results.push({ relay: url, seq: answer.seq });
    } catch (error) {
      const code = (error as { code?: string }).code ?? "ERR_INTERNAL";
      printNote(`warning: ${url} refused the rotation (${code}); it still knows only the old key`);
      results.push({ relay: url, error: code });
    }
  }
  return results;
}

function compromiseTime(options: RotateOptions): number | undefined {
  if (options.reason === "routine") {
    if (options.compromisedSince !== undefined) {
      throw new CliError("ERR_USAGE", "--compromised-since: only with --reason compromise");
    }
    return undefined;
  }
  if (options.reason !== "compromise") {
    throw new CliError("ERR_USAGE", "--reason: expected routine or compromise");
  }
  if (options.compromisedSince === undefined) {
    throw new CliError("ERR_USAGE", "--compromised-since: required with --reason compromise");
  }
  return parseUnixTime(options.compromisedSince, "--compromised-since");
}

/**
 * Parses Unix seconds given on the command line. Throws ERR_USAGE.
 *
 * @example
 * parseUnixTime("1767225600", "--compromised-since"); // 1767225600
 */
export function parseUnixTime(text: string, option: string): number {
  if (!/^[0-9]{1,15}$/.test(text)) {
    throw new CliError("ERR_USAGE", `${option}: expected Unix seconds, an integer`);
  }
  return Number(text);
}

async function readLocalLog(home: string) {
  const path = join(home, KEY_EVENT_LOG_FILE);
  try {
    return await readKeyEventLogFile(path);
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_IO") throw error;
    throw new CliError("ERR_USAGE", `${path}: no key event log (run ants init --pre-rotate)`);
  }
}

/**
 * Writes the new current and next keys beside their final paths, so a refused rotation leaves
 * the old keystores untouched and an accepted one never leaves the agent without its keys.
 */
async function writeNewKeys(finalPaths: [string, string], passphrase: string) {
  const write = { force: true, ...insecureWorkFactorFromEnv() };
  const paths = finalPaths.map((path) => `${path}.rotating`);
  const keys: Uint8Array[] = [];
  for (const path of paths) {
    const { seed } = generateKeyPair();
    keys.push((await createKeystoreFile(path, seed, passphrase, write)).publicKey);
    seed.fill(0);
  }
  const moves = paths.map((path, index) => [path, finalPaths[index]!] as [string, string]);
  return { current: keys[0]!, next: keys[1]!, paths, moves };
}
