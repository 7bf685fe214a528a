import { type MonitorReport, monitorLog, readMonitorState, writeMonitorState } from "@ants/client";
import type { Command } from "commander";
import { exitCodeFor } from "../exit-codes.ts";
import { printResult } from "../output.ts";
import { ReportedFailure } from "../reported-failure.ts";
import { addLogOptions, type LogOptions, logClientFor } from "./log-options.ts";

interface VerifyOptions extends LogOptions {
  state?: string;
  full?: boolean;
}

const BAR_WIDTH = 30;

/**
 * Registers `ants log verify`: a monitor. Verifies the latest checkpoint's signature against the
 * relay's key, its consistency with the checkpoint recorded in `--state` (then records the new
 * one), and with `--full` re-derives the tree from every entry and checks every agent's chain,
 * with a progress bar on stderr. Prints a verdict; any inconsistency exits with the status of
 * ERR_LOG_INCONSISTENT and leaves the state file as it was.
 *
 * @example
 * registerLogVerify(group); // ants log verify --relay https://relay.example --state log.json --full
 */
export function registerLogVerify(group: Command): void {
  addLogOptions(group.command("verify"))
    .description(
      "monitor the log: signature, consistency with the last run, optionally every entry",
    )
    .option("--state <file>", "where the last verified checkpoint is kept between runs")
    .option("--full", "re-derive the whole tree from the entries and check every agent's chain")
    .action(async (options: VerifyOptions) => {
      const state = options.state === undefined ? undefined : await readMonitorState(options.state);
      const { report, state: next } = await monitorLog(logClientFor(options), {
        ...(state === undefined ? {} : { state }),
        full: options.full === true,
        onProgress: options.full === true ? progressBar() : undefined,
      });
      if (next !== undefined && options.state !== undefined) {
        await writeMonitorState(options.state, next);
      }
      printResult({ json: options.json === true }, report, verdict(report));
      if (!report.ok) throw new ReportedFailure(exitCodeFor("ERR_LOG_INCONSISTENT"));
    });
}

function verdict(report: MonitorReport): string[] {
  const seen =
    report.previousSize === null
      ? "first run"
      : `consistent with ${report.previousSize} seen before`;
  const full =
    report.entriesChecked === null
      ? []
      : [`re-derived ${report.entriesChecked} entries of ${report.agents} agents`];
  if (report.ok) {
    return [`OK: log ${report.origin} at ${report.size} entries, ${seen}`, ...full];
  }
  return [
    `INCONSISTENT: log ${report.origin} at ${report.size} entries`,
    ...report.problems.map(
      (p) => `  ${p.check}${p.index === undefined ? "" : ` at ${p.index}`}: ${p.message}`,
    ),
  ];
}

// Redrawn in place on a terminal; elsewhere one line when the walk ends.
function progressBar(): (done: number, total: number) => void {
  const tty = process.stderr.isTTY === true;
  return (done, total) => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
    const line = `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${done}/${total} entries`;
    if (tty) process.stderr.write(`\r${line}${done === total ? "\n" : ""}`);
    else if (done === total) process.stderr.write(`${line}\n`);
  };
}
