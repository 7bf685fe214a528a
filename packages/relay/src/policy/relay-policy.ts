import { readFile } from "node:fs/promises";
import { commandCovers, isCommand } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import { NO_SANDBOX, parseSandboxRules, type SandboxRules } from "../trust/sandbox-rules.ts";

/** Highest trust level (L4). */
const MAX_LEVEL = 4;

/**
 * The relay's command policy: the minimum trust level an agent needs per command prefix
 * (DESIGN.md section 7). The longest prefix covering a command decides; with no rule, level 0.
 * The default policy allows every command at level 0; an operator tightens it with a file.
 *
 * @example
 * const policy = parseRelayPolicy({ levels: { "/": 0, "/admin": 3 } });
 * policy.levelFor("/admin/users"); // 3
 */
export interface RelayPolicy {
  levelFor(command: string): number;
  /** Sandbox rules per command prefix and level (docs/spec/trust.md 8); none by default. */
  sandbox?: SandboxRules;
}

/** The default: every command at level 0, no sandbox rules. */
export const OPEN_POLICY: RelayPolicy = { levelFor: () => 0, sandbox: NO_SANDBOX };

/**
 * Parses a policy document `{"levels": {"<command prefix>": <level 0-4>, ...}, "sandbox": {...}}`
 * (sandbox rules: docs/spec/trust.md 8). Throws ERR_CONFIG_INVALID naming the bad entry.
 *
 * @example
 * parseRelayPolicy({ levels: { "/social/post": 1 } });
 */
export function parseRelayPolicy(document: unknown): RelayPolicy {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw policyError("expected an object");
  }
  const { levels, sandbox, ...rest } = document as { levels?: unknown; sandbox?: unknown };
  if (Object.keys(rest).length > 0) throw policyError(`unknown member ${Object.keys(rest)[0]}`);
  if (typeof levels !== "object" || levels === null || Array.isArray(levels)) {
    throw policyError("levels: expected an object of command prefix to level");
  }
  const rules = Object.entries(levels).map(([prefix, level]) => {
    if (!isCommand(prefix)) throw policyError(`levels: ${JSON.stringify(prefix)} is not a command`);
    if (!Number.isInteger(level) || (level as number) < 0 || (level as number) > MAX_LEVEL) {
      throw policyError(`levels.${prefix}: expected an integer from 0 to ${MAX_LEVEL}`);
    }
    return { prefix, level: level as number };
  });
  // Longest prefix first, so the most specific rule decides.
  rules.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    levelFor: (command) => rules.find((rule) => commandCovers(rule.prefix, command))?.level ?? 0,
    sandbox: sandbox === undefined ? NO_SANDBOX : parseSandboxRules(sandbox),
  };
}

/**
 * Reads a policy file (JSON). Throws ERR_CONFIG_INVALID when unreadable or invalid.
 *
 * @example
 * const policy = await loadRelayPolicy("/etc/ants/policy.json");
 */
export async function loadRelayPolicy(path: string): Promise<RelayPolicy> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new RelayError("ERR_CONFIG_INVALID", `policy file: cannot read ${path}`, { cause });
  }
  try {
    return parseRelayPolicy(JSON.parse(text));
  } catch (cause) {
    if (cause instanceof RelayError) throw cause;
    throw new RelayError("ERR_CONFIG_INVALID", "policy file: not JSON", { cause });
  }
}

function policyError(message: string): RelayError {
  return new RelayError("ERR_CONFIG_INVALID", `policy: ${message}`);
}
