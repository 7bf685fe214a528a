import { ProtocolError } from "../errors/protocol-error.ts";

const MAX_COMMAND_LENGTH = 256;
// DESIGN section 5 and spec 1.5: "/" alone, or segments of lower-case letters, digits, "-" and
// "_". The character set alone rules out ".", "..", empty segments and a trailing slash.
const COMMAND_PATTERN = /^(?:\/|(?:\/[a-z0-9_-]+)+)$/;

/** True when `value` is a well-formed command (spec 1.5). */
export function isCommand(value: unknown): value is string {
  return (
    typeof value === "string" && value.length <= MAX_COMMAND_LENGTH && COMMAND_PATTERN.test(value)
  );
}

/**
 * Returns `value` as a command or throws ERR_CMD_MALFORMED.
 *
 * @example
 * readCommand("/twitter/post", "cmd"); // "/twitter/post"
 * readCommand("/twitter/../admin", "cmd"); // throws ERR_CMD_MALFORMED
 */
export function readCommand(value: unknown, field = "cmd"): string {
  if (!isCommand(value)) {
    throw new ProtocolError("ERR_CMD_MALFORMED", `${field}: expected a lower-case slash path`);
  }
  return value;
}

/**
 * True when `parent` covers `child` (spec 1.5): `/` covers everything, and a path covers itself
 * and the paths below it, so `/twitter` covers `/twitter/post` but never `/twitterx`.
 *
 * @example
 * commandCovers("/twitter", "/twitter/post"); // true
 * commandCovers("/twitter", "/twitterx"); // false
 */
export function commandCovers(parent: string, child: string): boolean {
  if (parent === "/" || parent === child) return true;
  // The separator check is what keeps a sibling with a common prefix out.
  return child.startsWith(parent) && child.charCodeAt(parent.length) === 0x2f;
}
