import { ProtocolError } from "../errors/protocol-error.ts";
import type { StepBudget } from "./step-budget.ts";

/** A `like` pattern split at its unescaped `*` into literal parts (spec 3.3). */
export type Glob = readonly string[];

/**
 * Compiles a `like` pattern: `*` matches any sequence, `\*` a literal star, `\\` a literal
 * backslash; any other escape is ERR_POLICY_MALFORMED.
 *
 * @example
 * compileGlob("*@example.com"); // ["", "@example.com"]
 */
export function compileGlob(pattern: string): Glob {
  const parts: string[] = [];
  let literal = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      parts.push(literal);
      literal = "";
    } else if (c === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\") {
        throw new ProtocolError("ERR_POLICY_MALFORMED", "like: '\\' must escape '*' or '\\'");
      }
      literal += next;
      i++;
    } else {
      literal += c;
    }
  }
  parts.push(literal);
  return parts;
}

/**
 * True when `text` matches the compiled glob. With `*` as the only wildcard, taking each middle
 * part at its leftmost occurrence is optimal, so the match never backtracks. Spends one step
 * per literal part.
 *
 * @example
 * matchGlob(compileGlob("*@example.com"), "bob@example.com", budget); // true
 */
export function matchGlob(glob: Glob, text: string, budget: StepBudget): boolean {
  budget.spend(glob.length);
  const first = glob[0]!;
  if (glob.length === 1) return text === first;
  const last = glob[glob.length - 1]!;
  if (text.length < first.length + last.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  const end = text.length - last.length;
  let pos = first.length;
  for (let i = 1; i < glob.length - 1; i++) {
    const part = glob[i]!;
    const found = text.indexOf(part, pos);
    if (found < 0 || found + part.length > end) return false;
    pos = found + part.length;
  }
  return true;
}
