import { join, resolve } from "node:path";
import {
  antsHome,
  ClientError,
  KEY_EVENT_LOG_FILE,
  readKeyEventLogFile,
  verifyKeyEventLogDocument,
} from "@ants/client";
import type { KeyEventLog, KeyPeriod } from "@ants/protocol";
import type { Command } from "commander";
import { printResult } from "../output.ts";

interface KeylogOptions {
  file?: string;
  home?: string;
  json?: boolean;
}

/**
 * Registers `ants keylog DID`: verifies an agent's key event log (docs/spec/key-events.md 4)
 * and prints its key history. Works offline on a local file: `--file`, else `key-events.json`
 * in the agent home.
 *
 * @example
 * registerKeylog(program); // ants keylog did:key:z6Mk... [--file F] [--json]
 */
export function registerKeylog(program: Command): void {
  program
    .command("keylog")
    .argument("<did>", "the agent's ID")
    .description("verify an agent's key event log and print which key was valid when")
    .option("--file <file>", `key event log file (default: ${KEY_EVENT_LOG_FILE} in the home)`)
    .option("--home <dir>", "agent home directory (default: $ANTS_HOME or ~/.ants)")
    .option("--json", "print JSON for scripts")
    .action(async (did: string, options: KeylogOptions) => {
      const path = resolve(
        options.file ?? join(antsHome({ home: options.home }), KEY_EVENT_LOG_FILE),
      );
      const document = await readKeyEventLogFile(path);
      if (document.id !== did) {
        throw new ClientError(
          "ERR_KEL_MALFORMED",
          `${path}: the log of ${document.id}, not ${did}`,
        );
      }
      const log = verifyKeyEventLogDocument(document);
      printResult({ json: options.json === true }, keylogJson(log), keylogLines(log));
    });
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
