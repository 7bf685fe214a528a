// The agent home's key event log, as the commands that sign for a rotated agent read it.

import { access, readdir, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import {
  ClientError,
  KEY_EVENT_LOG_FILE,
  type KeyEventAppended,
  type KeyEventLogDocument,
  readKeyEventLogFile,
  readTokenFile,
  withClientErrors,
  writeKeyEventLogFile,
} from "@ants/client";
import { didFromPublicKey, type Ed25519Signer, publicKeyFromDid } from "@ants/protocol";

/**
 * The agent ID the identity key signs for: the `id` of the home's key event log when there is
 * one (after a rotation the keystore holds the current key, and the ID stays the inception
 * key's, docs/spec/key-events.md 8.4), else the key's own did:key.
 *
 * @example
 * new Agent({ relay, signer, id: await agentIdOf(home, signer) });
 */
export async function agentIdOf(home: string, signer: Ed25519Signer): Promise<string> {
  const path = join(home, KEY_EVENT_LOG_FILE);
  if (!(await exists(path))) return didFromPublicKey(signer.publicKey);
  return (await readKeyEventLogFile(path)).id;
}

/**
 * Reads a file holding one Ed25519 did:key (as `ants key new` prints it) and returns its public
 * key. Throws ERR_IO, ERR_KEL_MALFORMED, or the did:key codes (ERR_DID_INVALID, ...).
 *
 * @example
 * const newKey = await readPublicKeyFile("new-key.did");
 */
export async function readPublicKeyFile(path: string): Promise<Uint8Array> {
  const did = await readTokenFile(path);
  return withClientErrors(() => publicKeyFromDid(did));
}

/**
 * Records an appended event in the home's key event log with the relay's receipt time, so the
 * local copy matches the log the relay serves.
 *
 * @example
 * await recordAppended(home, relayLog, { event }, answer);
 */
export async function recordAppended(
  home: string,
  relayLog: KeyEventLogDocument,
  record: { event: string; approvals?: readonly string[] },
  answer: KeyEventAppended,
): Promise<string> {
  const path = join(home, KEY_EVENT_LOG_FILE);
  const approvals = record.approvals === undefined ? {} : { approvals: [...record.approvals] };
  const entry = { event: record.event, ...approvals, receivedAt: answer.receivedAt };
  await writeKeyEventLogFile(path, { id: relayLog.id, events: [...relayLog.events, entry] });
  return path;
}

/**
 * Moves freshly written keystores into place (temporary path to final path), once the relay
 * accepted the rotation that names them.
 *
 * @example
 * await installKeystores([[`${path}.new`, path]]);
 */
export async function installKeystores(moves: readonly [string, string][]): Promise<void> {
  for (const [from, to] of moves) {
    await rename(from, to).catch((cause: NodeJS.ErrnoException) => {
      throw new ClientError("ERR_IO", `${to}: ${cause.code ?? "rename failed"}`, { cause });
    });
  }
}

/** Removes keystores written for a rotation the relay refused. */
export async function discardKeystores(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => unlink(path).catch(() => undefined)));
}

/**
 * Forgets the sessions stored under the home: the relay ended them when the key rotated.
 *
 * @example
 * await forgetSessions(home);
 */
export async function forgetSessions(home: string): Promise<void> {
  const directory = join(home, "sessions");
  const names = await readdir(directory).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(directory, name), { force: true })));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
