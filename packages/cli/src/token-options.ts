// Parsing helpers for the token commands' option values; every refusal is ERR_USAGE.
import { isProtocolError, type JsonValue, parseStrictJson } from "@ants/protocol";
import { CliError } from "./cli-error.ts";

const DURATION = /^([1-9][0-9]{0,8})([smhd]?)$/;
const UNIT_SECONDS: Record<string, number> = { "": 1, s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a lifetime such as `90s`, `30m`, `1h`, `7d` or plain seconds.
 *
 * @example
 * parseDuration("1h", "--expires"); // 3600
 */
export function parseDuration(text: string, option: string): number {
  const match = DURATION.exec(text);
  if (match === null)
    throw new CliError("ERR_USAGE", `${option}: expected e.g. 90s, 30m, 1h or 7d`);
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}

/**
 * Parses a non-negative integer within bounds.
 *
 * @example
 * parseInteger("2", "--depth", 0, 255); // 2
 */
export function parseInteger(text: string, option: string, min: number, max: number): number {
  if (!/^[0-9]{1,16}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CliError("ERR_USAGE", `${option}: expected an integer from ${min} to ${max}`);
  }
  return Number(text);
}

/**
 * Parses a JSON option value with the protocol's strict parser (duplicate members and unsafe
 * numbers are refused with their own codes).
 *
 * @example
 * parseJsonOption('[["==", ".to", "bob"]]', "--policy"); // [["==", ".to", "bob"]]
 */
export function parseJsonOption(text: string, option: string): JsonValue {
  try {
    return parseStrictJson(text, { field: option });
  } catch (error) {
    if (isProtocolError(error) && error.code === "ERR_JSON_INVALID") {
      throw new CliError("ERR_USAGE", `${option}: not valid JSON`, { cause: error });
    }
    throw error;
  }
}

/**
 * The current time in Unix seconds, or `--at` when given.
 *
 * @example
 * nowOrAt(undefined); // 1767225600
 */
export function nowOrAt(at: string | undefined): number {
  if (at === undefined) return Math.floor(Date.now() / 1000);
  return parseInteger(at, "--at", 0, Number.MAX_SAFE_INTEGER);
}

/**
 * Collects a repeatable option's values.
 *
 * @example
 * command.option("--parent <token>", "...", collect, []);
 */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
