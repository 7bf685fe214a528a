import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  approveGuardianRotation,
  ClientError,
  type KeyEventLogDocument,
  openKeystoreFile,
  prepareRotation,
  RelayClient,
  withApprovals,
} from "@ants/client";
import {
  type Ed25519Signer,
  isProtocolError,
  MAX_KEY_EVENTS,
  parseStrictJson,
} from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { parseIntegerOption } from "../duration.ts";
import { identityKeystorePath, passphraseFor } from "../identity-options.ts";
import { readPublicKeyFile } from "../key-event-home.ts";
import { printNote, printResult } from "../output.ts";
import { addRelayOptions, type RelayOptions, relayUrl } from "../relay-session.ts";
import { parseUnixTime } from "./rotate.ts";

interface RecoverOptions extends RelayOptions {
  newKey?: string;
  next?: string;
  as: string;
  collect?: string;
  reason: string;
  compromisedSince?: string;
  overrides?: string;
}

/** A guardian rotation on its way round the guardians: the rotation and the approvals so far. */
interface Collection {
  id: string;
  event: string;
  approvals: string[];
}

/**
 * Registers `ants recover DID --new-key FILE`: a rotation of another agent's key by one of its
 * recovery authorities (docs/spec/key-events.md 3.1). Run by the owner with an owner recovery
 * key (`--as owner`, the default), it signs and submits the rotation at once. Run by guardians
 * (`--as guardian --collect FILE`), the first writes the rotation to FILE, each next one adds
 * its approval, and whoever brings the count to the threshold submits it.
 *
 * @example
 * registerRecover(program); // ants recover DID --new-key new.did --relay URL
 */
export function registerRecover(program: Command): void {
  addRelayOptions(program.command("recover").argument("<did>", "the agent to recover"))
    .description("rotate an agent's key as its owner or as one of its guardians")
    .option("--new-key <file>", "file holding the agent's new current key as a did:key")
    .option("--next <file>", "file holding a did:key to commit to as the agent's next key")
    .option("--as <role>", "owner or guardian", "owner")
    .option("--collect <file>", "with guardian: the file that gathers the guardians' signatures")
    .option("--reason <reason>", "routine or compromise", "compromise")
    .option("--compromised-since <unix>", "with compromise: from when the old key is held stolen")
    .option("--overrides <seq>", "undo the rotation with this sequence number and those after it")
    .action(async (did: string, options: RecoverOptions) => {
      checkRole(options);
      const client = new RelayClient({ url: relayUrl(options) });
      const path = await identityKeystorePath(options);
      const { signer } = await openKeystoreFile(path, await passphraseFor(options));
      const relayLog = await client.keyEvents(did);
      if (options.as === "owner") {
        const event = prepareRotation(relayLog, {
          signer,
          auth: "owner",
          ...(await terms(options)),
        });
        await submit(client, options, { id: did, event, approvals: [] });
        return;
      }
      const collectPath = resolve(options.collect!);
      const collection = await nextCollection(collectPath, did, relayLog, signer, options);
      await writeFile(collectPath, `${JSON.stringify(collection, null, 2)}\n`, { mode: 0o644 });
      const now = Math.floor(Date.now() / 1000);
      try {
        withApprovals(relayLog, collection.event, collection.approvals, now);
      } catch (error) {
        if ((error as { code?: string }).code !== "ERR_KEL_THRESHOLD_NOT_MET") throw error;
        const signed = collection.approvals.length + 1;
        printNote(`signed; pass ${collectPath} to the next guardian`);
        const result = { id: did, file: collectPath, signatures: signed, submitted: false };
        printResult({ json: options.json === true }, result, [`${signed} guardian signature(s)`]);
        return;
      }
      await submit(client, options, collection);
    });
}

function checkRole(options: RecoverOptions): void {
  if (options.as !== "owner" && options.as !== "guardian") {
    throw new CliError("ERR_USAGE", "--as: expected owner or guardian");
  }
  if (options.as === "guardian" && options.collect === undefined) {
    throw new CliError("ERR_USAGE", "--collect: required with --as guardian");
  }
  if (options.as === "owner" && options.collect !== undefined) {
    throw new CliError("ERR_USAGE", "--collect: only with --as guardian");
  }
}

/** What the rotation says: new key, next key, reason, override. Throws ERR_USAGE. */
async function terms(options: RecoverOptions) {
  if (options.newKey === undefined) throw new CliError("ERR_USAGE", "--new-key: required");
  const newPublicKey = await readPublicKeyFile(options.newKey);
  const nextPublicKey =
    options.next === undefined ? undefined : await readPublicKeyFile(options.next);
  if (options.reason !== "routine" && options.reason !== "compromise") {
    throw new CliError("ERR_USAGE", "--reason: expected routine or compromise");
  }
  const routine = options.reason === "routine";
  if (routine && options.compromisedSince !== undefined) {
    throw new CliError("ERR_USAGE", "--compromised-since: only with --reason compromise");
  }
  // A recovery follows a loss or a theft: without a stated time, everything the old key signed
  // that the relay has not seen yet is refused (docs/spec/key-events.md 3.4).
  const since = options.compromisedSince;
  const compromisedSince = routine
    ? undefined
    : since === undefined
      ? Math.floor(Date.now() / 1000)
      : parseUnixTime(since, "--compromised-since");
  const overrides =
    options.overrides === undefined
      ? undefined
      : parseIntegerOption(options.overrides, "--overrides", 1, MAX_KEY_EVENTS - 1);
  return {
    newPublicKey,
    ...(nextPublicKey && { nextPublicKey }),
    ...(compromisedSince !== undefined && { compromisedSince }),
    ...(overrides !== undefined && { overrides }),
  };
}

/** A new collection signed by this guardian, or the one in the file with its approval added. */
async function nextCollection(
  path: string,
  did: string,
  relayLog: KeyEventLogDocument,
  signer: Ed25519Signer,
  options: RecoverOptions,
): Promise<Collection> {
  const existing = await readCollection(path);
  if (existing === undefined) {
    const event = prepareRotation(relayLog, {
      signer,
      auth: "guardians",
      ...(await terms(options)),
    });
    return { id: did, event, approvals: [] };
  }
  if (existing.id !== did) {
    throw new ClientError("ERR_KEL_MALFORMED", `${path}: a recovery of ${existing.id}, not ${did}`);
  }
  const approval = approveGuardianRotation(existing.event, { signer });
  return { ...existing, approvals: [...existing.approvals, approval] };
}

async function readCollection(path: string): Promise<Collection | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ClientError("ERR_IO", `${path}: unreadable`, { cause });
  }
  let value: unknown;
  try {
    value = parseStrictJson(text, { field: "recovery file" });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw new ClientError("ERR_KEL_MALFORMED", error.message);
  }
  const file = value as Partial<Collection> | null;
  const strings = (list: unknown) =>
    Array.isArray(list) && list.every((x) => typeof x === "string");
  if (
    file === null ||
    typeof file !== "object" ||
    typeof file.id !== "string" ||
    typeof file.event !== "string" ||
    !strings(file.approvals)
  ) {
    throw new ClientError("ERR_KEL_MALFORMED", `${path}: expected {id, event, approvals}`);
  }
  return file as Collection;
}

async function submit(client: RelayClient, options: RecoverOptions, collection: Collection) {
  const approvals = collection.approvals.length > 0 ? collection.approvals : undefined;
  const answer = await client.appendKeyEvent(collection.id, collection.event, approvals);
  printNote("the agent installs the new key's keystore as its identity.age");
  printResult({ json: options.json === true }, { ...answer, submitted: true }, [
    `${answer.id} now signs with ${answer.currentKey} (event ${answer.seq})`,
  ]);
}
