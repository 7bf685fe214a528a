import { LogClient } from "@ants/client";
import type { Command } from "commander";
import { CliError } from "../cli-error.ts";

/** The environment variable naming the relay when `--relay` is not given. */
export const RELAY_ENV = "ANTS_RELAY";

/** Options every `ants log` command takes. */
export interface LogOptions {
  relay?: string;
  json?: boolean;
}

/**
 * Adds `--relay` and `--json` to an `ants log` command.
 *
 * @example
 * addLogOptions(group.command("checkpoint"));
 */
export function addLogOptions(command: Command): Command {
  return command
    .option("--relay <url>", `the relay's URL (default: $${RELAY_ENV})`)
    .option("--json", "print JSON for scripts");
}

/**
 * A log client for `--relay`, else `$ANTS_RELAY`; ERR_USAGE when neither is set.
 *
 * @example
 * const log = logClientFor(options);
 */
export function logClientFor(options: LogOptions): LogClient {
  const url = options.relay ?? process.env[RELAY_ENV];
  if (url === undefined || url === "") {
    throw new CliError("ERR_USAGE", `--relay: give the relay's URL or set ${RELAY_ENV}`);
  }
  return new LogClient({ url });
}

/**
 * Reads a non-negative integer option; ERR_USAGE otherwise.
 *
 * @example
 * readCount("--index", "42"); // 42
 */
export function readCount(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new CliError("ERR_USAGE", `${flag}: expected a non-negative integer`);
  }
  return Number(text);
}
