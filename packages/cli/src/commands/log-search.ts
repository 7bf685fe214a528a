import {
  assertInclusion,
  decodeLogEntry,
  type LogEntry,
  leafHash,
  openCheckpoint,
  parseVerifierKey,
} from "@ants/protocol";
import type { Command } from "commander";
import { printResult } from "../output.ts";
import { addLogOptions, type LogOptions, logClientFor, readCount } from "./log-options.ts";

interface SearchOptions extends LogOptions {
  agent?: string;
  principal?: string;
  cmd?: string;
  since?: string;
  until?: string;
  after?: string;
  limit?: string;
}

/**
 * Registers `ants log search`: entries by agent, principal, command and time (Unix seconds),
 * each verified against the signed checkpoint of the page before it is printed.
 *
 * @example
 * registerLogSearch(group); // ants log search --agent did:key:z6Mk... --since 1767225600
 */
export function registerLogSearch(group: Command): void {
  addLogOptions(group.command("search"))
    .description("search the log; every result's inclusion proof is verified")
    .option("--agent <did>", "entries in this agent's chain")
    .option("--principal <did>", "decisions on behalf of this principal")
    .option("--cmd <command>", "decisions about this command")
    .option("--since <time>", "at or after this Unix time")
    .option("--until <time>", "at or before this Unix time")
    .option("--after <index>", "entries after this index (the `next` of a previous page)")
    .option("--limit <n>", "at most this many results (1 to 100, default 100)")
    .action(async (options: SearchOptions) => {
      const log = logClientFor(options);
      const { logVerifierKey } = await log.discover();
      const page = await log.search({
        agent: options.agent,
        principal: options.principal,
        cmd: options.cmd,
        since: readCount("--since", options.since),
        until: readCount("--until", options.until),
        after: readCount("--after", options.after),
        limit: readCount("--limit", options.limit),
      });
      const checkpoint = openCheckpoint(page.checkpoint, [parseVerifierKey(logVerifierKey)]);
      const results = page.results.map((result) => {
        const input = {
          index: result.index,
          size: checkpoint.size,
          leafHash: leafHash(result.entry),
        };
        assertInclusion({ ...input, proof: result.proof, rootHash: checkpoint.rootHash });
        return { index: result.index, entry: decodeLogEntry(result.entry) };
      });
      printResult(
        { json: options.json === true },
        { size: checkpoint.size, results, next: page.next },
        [...results.map(({ index, entry }) => describe(index, entry)), ...more(page.next)],
      );
    });
}

function describe(index: number, entry: LogEntry): string {
  const what =
    entry.type === "decision"
      ? `${entry.decision} ${entry.cmd} for ${entry.principal}${entry.reason ? ` (${entry.reason})` : ""}`
      : `${entry.event} ${entry.action}`;
  const who = entry.type === "decision" ? entry.actor : entry.subject;
  return `${index}  ${new Date(entry.time * 1000).toISOString()}  ${who}  ${what}`;
}

function more(next: number | null): string[] {
  return next === null ? [] : [`more: --after ${next}`];
}
