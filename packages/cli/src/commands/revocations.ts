import { listRevocations, RelayClient, serverSentEvents } from "@ants/client";
import type { RevocationEntry } from "@ants/protocol";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";
import { printResult } from "../output.ts";
import { relayUrl } from "../relay-session.ts";
import { parseInteger } from "../token-options.ts";

/** The parsed options of `ants revocations`. */
export interface RevocationsOptions {
  relay?: string;
  since?: string;
  follow?: boolean;
  json?: boolean;
}

/** Wait before resuming a dropped stream. */
const RECONNECT_MS = 1000;

/**
 * Registers `ants revocations`: prints the relay's revocation log after a sequence number, one
 * entry per line (JSON lines with `--json`); with `--follow`, keeps printing new entries as they
 * are applied, resuming from the last one printed after a disconnect, until interrupted.
 *
 * @example
 * registerRevocations(program); // ants revocations --since 120 --follow
 */
export function registerRevocations(program: Command): void {
  program
    .command("revocations")
    .description("print the relay's revocation log; --follow keeps printing new entries")
    .option("--relay <url>", "the relay's URL (default: $ANTS_RELAY)")
    .option("--since <seq>", "print entries after this sequence number", "0")
    .option("--follow", "keep printing entries as the relay applies them")
    .option("--json", "one JSON entry per line")
    .action(async (options: RevocationsOptions) => {
      const relay = new RelayClient({ url: relayUrl(options) });
      let last = parseInteger(options.since ?? "0", "--since", 0, Number.MAX_SAFE_INTEGER);
      for (;;) {
        const { entries, head } = await listRevocations(relay, last);
        for (const entry of entries) print(options, entry);
        last = entries.at(-1)?.seq ?? last;
        if (entries.length === 0 || last >= head) break;
      }
      if (options.follow === true) await follow(relay, options, last);
    });
}

async function follow(relay: RelayClient, options: RevocationsOptions, from: number) {
  let last = from;
  const stop = new AbortController();
  process.once("SIGINT", () => stop.abort());
  while (!stop.signal.aborted) {
    try {
      const response = await fetch(`${relay.url}/v1/revocations/stream`, {
        headers: { "last-event-id": String(last) },
        signal: stop.signal,
      });
      if (response.status !== 200 || response.body === null) {
        throw new CliError("ERR_RELAY_RESPONSE_INVALID", `stream: answered ${response.status}`);
      }
      for await (const event of serverSentEvents(response.body)) {
        if (event.event !== "revocation") continue;
        const entry = JSON.parse(event.data) as RevocationEntry;
        // The relay sends each entry once, in order; a resumed stream starts after `last`.
        if (entry.seq <= last) continue;
        print(options, entry);
        last = entry.seq;
      }
    } catch (error) {
      if (stop.signal.aborted) return;
      if (error instanceof CliError) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}

function print(options: RevocationsOptions, entry: RevocationEntry): void {
  const { request: _request, ...shown } = entry;
  const reason = entry.reason === "" ? "" : ` "${entry.reason}"`;
  printResult({ json: options.json === true }, shown, [
    `${entry.seq} ${entry.kind} ${entry.target} by ${entry.revoker}${reason}`,
  ]);
}
