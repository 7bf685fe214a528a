import { CliError } from "./cli-error.ts";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Parses a duration option: an integer with an optional unit `s`, `m`, `h` or `d` (seconds when
 * none), at most `max` seconds. Throws ERR_USAGE naming the option.
 *
 * @example
 * parseDuration("72h", "--window", 2_592_000); // 259200
 */
export function parseDuration(text: string, option: string, max: number): number {
  const match = /^([0-9]{1,9})([smhd]?)$/.exec(text);
  if (match === null) {
    throw new CliError("ERR_USAGE", `${option}: expected a duration such as 72h, 30m or 3600`);
  }
  const seconds = Number(match[1]) * UNITS[match[2] || "s"]!;
  if (seconds > max) throw new CliError("ERR_USAGE", `${option}: at most ${max} seconds`);
  return seconds;
}

/**
 * Parses an integer option in [min, max]. Throws ERR_USAGE naming the option.
 *
 * @example
 * parseIntegerOption("2", "--instances", 1, 1024); // 2
 */
export function parseIntegerOption(text: string, option: string, min: number, max: number) {
  const value = /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new CliError("ERR_USAGE", `${option}: expected an integer from ${min} to ${max}`);
  }
  return value;
}
