import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";
import { compileGlob, type Glob } from "./glob.ts";
import { parseSelector, type Selector } from "./selector.ts";

/** A checked policy statement (spec 3.1), ready to evaluate. */
export type Statement =
  | { readonly op: "==" | "!="; readonly selector: Selector; readonly value: JsonValue }
  | { readonly op: "<" | "<=" | ">" | ">="; readonly selector: Selector; readonly value: number }
  | { readonly op: "like"; readonly selector: Selector; readonly glob: Glob }
  | { readonly op: "not"; readonly statement: Statement }
  | { readonly op: "and" | "or"; readonly statements: readonly Statement[] }
  | { readonly op: "all" | "any"; readonly selector: Selector; readonly statement: Statement };

/** A policy whose every statement was checked; `source` is the JSON it came from. */
export interface CompiledPolicy {
  readonly statements: readonly Statement[];
  readonly source: readonly JsonValue[];
}

const COMPARISONS = new Set(["<", "<=", ">", ">="]);

function malformed(reason: string): never {
  throw new ProtocolError("ERR_POLICY_MALFORMED", `pol: ${reason}`);
}

/**
 * Checks a policy (an array of statements, spec 3) and compiles it for evaluation. Throws
 * ERR_POLICY_UNKNOWN_OPERATOR for any operator outside the language, wherever it is nested,
 * ERR_POLICY_MALFORMED for a statement of the wrong shape, ERR_NOT_SUPPORTED for selector
 * iterators and slices.
 *
 * @example
 * const policy = compilePolicy([["==", ".channel", "news"], ["<=", ".length", 280]]);
 */
export function compilePolicy(policy: unknown): CompiledPolicy {
  if (!Array.isArray(policy)) return malformed("expected an array of statements");
  const source = policy as JsonValue[];
  return { statements: source.map(compileStatement), source };
}

function compileStatement(raw: JsonValue): Statement {
  if (!Array.isArray(raw) || raw.length === 0) return malformed("expected a statement array");
  const op = raw[0];
  if (typeof op !== "string") return malformed("expected an operator string");
  switch (op) {
    case "==":
    case "!=":
      arity(raw, 3, op);
      return { op, selector: parseSelector(raw[1]), value: raw[2]! };
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compileComparison(op, raw);
    case "like":
      arity(raw, 3, op);
      if (typeof raw[2] !== "string") return malformed("like: expected a string pattern");
      return { op, selector: parseSelector(raw[1]), glob: compileGlob(raw[2]) };
    case "not":
      arity(raw, 2, op);
      return { op, statement: compileStatement(raw[1]!) };
    case "and":
    case "or":
      arity(raw, 2, op);
      if (!Array.isArray(raw[1])) return malformed(`${op}: expected an array of statements`);
      return { op, statements: raw[1].map(compileStatement) };
    case "all":
    case "any":
      arity(raw, 3, op);
      return { op, selector: parseSelector(raw[1]), statement: compileStatement(raw[2]!) };
    default:
      throw new ProtocolError(
        "ERR_POLICY_UNKNOWN_OPERATOR",
        `pol: unknown operator ${JSON.stringify(op.slice(0, 32))}`,
      );
  }
}

function compileComparison(op: string, raw: JsonValue[]): Statement {
  arity(raw, 3, op);
  if (!COMPARISONS.has(op) || typeof raw[2] !== "number") {
    return malformed(`${op}: expected a number`);
  }
  return { op: op as "<", selector: parseSelector(raw[1]), value: raw[2] };
}

function arity(raw: JsonValue[], expected: number, op: string): void {
  if (raw.length !== expected) malformed(`${op}: expected ${expected - 1} arguments`);
}
