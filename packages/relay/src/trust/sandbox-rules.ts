import { commandCovers, isCommand } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import { MAX_TRUST_LEVEL } from "./trust-config.ts";

/** What the sandbox imposes on a command at one level (docs/spec/trust.md 8). */
export interface SandboxRule {
  /** Invocations of the prefix allowed per agent per minute. */
  ratePerMinute?: number;
  /** Approvals every invocation needs, on top of the chain's own. */
  approvals?: { k: number; of: string[] };
}

/** The sandbox rules of a policy file, by command prefix and level. */
export interface SandboxRules {
  /**
   * The rule for `command` at `level`: the longest prefix with rules decides, and within it the
   * entry of the highest level at or below `level`. Undefined when nothing applies.
   */
  ruleFor(command: string, level: number): { prefix: string; rule: SandboxRule } | undefined;
}

/** No sandbox rules. */
export const NO_SANDBOX: SandboxRules = { ruleFor: () => undefined };

const MAX_APPROVERS = 16;

/**
 * Parses the `sandbox` member of the relay policy file:
 * `{"<command prefix>": {"<level>": {"ratePerMinute": n, "approvals": {"k": 1, "of": [DID]}}}}`.
 * Throws ERR_CONFIG_INVALID naming the bad entry.
 *
 * @example
 * const rules = parseSandboxRules({ "/social": { "0": { ratePerMinute: 5 }, "2": {} } });
 * rules.ruleFor("/social/post", 1)?.rule; // { ratePerMinute: 5 }
 */
export function parseSandboxRules(document: unknown): SandboxRules {
  if (!isObject(document)) invalid("sandbox", "an object of command prefix to rules");
  const prefixes = Object.entries(document).map(([prefix, byLevel]) => {
    if (!isCommand(prefix)) invalid(`sandbox.${prefix}`, "a command prefix");
    if (!isObject(byLevel)) invalid(`sandbox.${prefix}`, "an object of level to rule");
    const levels = Object.entries(byLevel).map(([level, rule]) => ({
      level: readLevel(level, `sandbox.${prefix}`),
      rule: readRule(rule, `sandbox.${prefix}.${level}`),
    }));
    levels.sort((a, b) => b.level - a.level);
    return { prefix, levels };
  });
  // Longest prefix first, so the most specific rules decide.
  prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  return {
    ruleFor: (command, level) => {
      const entry = prefixes.find((p) => commandCovers(p.prefix, command));
      const rule = entry?.levels.find((l) => l.level <= level)?.rule;
      return entry === undefined || rule === undefined ? undefined : { prefix: entry.prefix, rule };
    },
  };
}

function readLevel(text: string, field: string): number {
  const level = Number(text);
  if (!/^[0-4]$/.test(text) || level > MAX_TRUST_LEVEL) invalid(field, "levels 0 to 4 as keys");
  return level;
}

function readRule(value: unknown, field: string): SandboxRule {
  if (!isObject(value)) invalid(field, "an object");
  const { ratePerMinute, approvals, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) invalid(`${field}.${unknown}`, "ratePerMinute or approvals");
  const rule: SandboxRule = {};
  if (ratePerMinute !== undefined) {
    if (!Number.isSafeInteger(ratePerMinute) || (ratePerMinute as number) < 0) {
      invalid(`${field}.ratePerMinute`, "an integer of 0 or more");
    }
    rule.ratePerMinute = ratePerMinute as number;
  }
  if (approvals !== undefined) rule.approvals = readApprovals(approvals, `${field}.approvals`);
  return rule;
}

function readApprovals(value: unknown, field: string): { k: number; of: string[] } {
  if (!isObject(value)) invalid(field, '{"k": n, "of": [DID]}');
  const { k, of } = value as { k?: unknown; of?: unknown };
  const list = Array.isArray(of) ? of : [];
  const dids = list.filter(
    (did): did is string => typeof did === "string" && did.startsWith("did:"),
  );
  if (dids.length !== list.length || dids.length === 0 || dids.length > MAX_APPROVERS) {
    invalid(`${field}.of`, `1 to ${MAX_APPROVERS} DIDs`);
  }
  if (!Number.isSafeInteger(k) || (k as number) < 1 || (k as number) > dids.length) {
    invalid(`${field}.k`, "an integer from 1 to the number of approvers");
  }
  return { k: k as number, of: dids };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(field: string, expected: string): never {
  throw new RelayError("ERR_CONFIG_INVALID", `policy: ${field}: expected ${expected}`);
}
