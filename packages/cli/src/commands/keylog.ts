import { join, resolve } from "node:path";
import {
  antsHome,
  ClientError,
  KEY_EVENT_LOG_FILE,
  type KeyEventLogDocument,
  RelayClient,
  readKeyEventLogFile,
  verifyKeyEventLogDocument,
} from "@ants/client";
import type { KeyEventLog, KeyPeriod } from "@ants/protocol";
import type { Command } from "commander";
import { printResult } from "../output.ts";

interface KeylogOptions {
  file?: string;
  relay?: string;
  home?: string;
  json?: boolean;
}

/**
 * Registers `ants keylog DID`: verifies an agent's key event log (docs/spec/key-events.md 4)
 * and prints its key history: the log a relay serves with `--relay URL` (its receipt times), else
 * offline a local file, `--file` or `key-events.json` in the agent home.
 *
 * @example
 * registerKeylog(program); // ants keylog did:key:z6Mk... [--relay URL | --file F] [--json]
 */
export function registerKeylog(program: Command): void {
  program
    .command("keylog")
    .argument("<did>", "the agent's ID")
    .description("verify an agent's key event log and print which key was valid when")
    .option("--file <file>", `key event log file (default: ${KEY_EVENT_LOG_FILE} in the home)`)
    .option("--relay <url>", "fetch the log the relay serves instead of reading a file")
    .option("--home <dir>", "agent home directory (default: $ANTS_HOME or ~/.ants)")
    .option("--json", "print JSON for scripts")
    .action(async (did: string, options: KeylogOptions) => {
      const { document, source } = await fetchDocument(did, options);
      if (document.id !== did) {
        throw new ClientError(
          "ERR_KEL_MALFORMED",
          `${source}: the log of ${document.id}, not ${did}`,
        );
      }
      const log = verifyKeyEventLogDocument(document);
      printResult({ json: options.json === true }, keylogJson(log), keylogLines(log));
    });
}

async function fetchDocument(
  did: string,
  options: KeylogOptions,
): Promise<{ document: KeyEventLogDocument; source: string }> {
  if (options.relay !== undefined) {
    const document = await new RelayClient({ url: options.relay }).keyEvents(did);
    const events: unknown = document?.events;
    if (!Array.isArray(events) || !events.every((e) => e !== null && typeof e === "object")) {
      throw new ClientError("ERR_KEL_MALFORMED", `${options.relay}: not a key event log`);
    }
    return { document, source: options.relay };
  }
  const path = resolve(options.file ?? join(antsHome({ home: options.home }), KEY_EVENT_LOG_FILE));
  return { document: await readKeyEventLogFile(path), source: path };
}

function keylogJson(log: KeyEventLog): object {
  return {
    id: log.agent,
    instances: log.instances,
    owner: log.owner ?? null,
    window: log.window,
    currentKey: log.currentKey,
    nextKeyDigest: log.nextKeyDigest ?? null,
    head: log.head,
    sequence: log.sequence,
    keys: log.keys,
    events: log.events,
  };
}

function keylogLines(log: KeyEventLog): string[] {
  const guardians =
    log.owner?.grd && `, guardians ${log.owner.grd.k} of ${log.owner.grd.of.length}`;
  return [
    `id:        ${log.agent}`,
    `instances: ${log.instances}`,
    `owner:     ${log.owner ? `${log.owner.iss} (window ${log.window / 3600} h${guardians ?? ""})` : "none"}`,
    `next key:  ${log.nextKeyDigest ? `committed (${log.nextKeyDigest})` : "none committed"}`,
    `events:    ${log.events.length}, head ${log.head}`,
    "keys:",
    ...log.keys.map(keyLine),
  ];
}

function keyLine(period: KeyPeriod): string {
  const from = isoTime(period.validFrom);
  const until = period.validUntil === undefined ? "now (current)" : isoTime(period.validUntil);
  const revocation = period.revocation;
  const since =
    revocation?.compromisedSince === undefined
      ? ""
      : `, tokens first seen from ${isoTime(revocation.compromisedSince)} refused`;
  const why =
    revocation === undefined ? "" : `; ${revocation.reason} by event ${revocation.byEvent}${since}`;
  return `  ${period.kid} ${period.key}\n    ${from} to ${until}${why}`;
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}
