import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";
import { type CompiledPolicy, compilePolicy, type Statement } from "./compile-policy.ts";
import { jsonEquals } from "./deep-equal.ts";
import { matchGlob } from "./glob.ts";
import { resolveSelector, SELECTION_FAILED } from "./selector.ts";
import { MAX_POLICY_STEPS, StepBudget } from "./step-budget.ts";

/** Options for {@link evaluatePolicy}. */
export interface EvaluatePolicyOptions {
  /** Shared budget, e.g. across a chain; default a fresh one of MAX_POLICY_STEPS. */
  budget?: StepBudget;
}

/**
 * Evaluates a policy (raw JSON or compiled) against invocation arguments and returns whether
 * every statement holds (spec 3). A false statement is a `false` result, never an exception;
 * throws only for a malformed policy (ERR_POLICY_MALFORMED, ERR_POLICY_UNKNOWN_OPERATOR,
 * ERR_NOT_SUPPORTED) or an exhausted budget (ERR_POLICY_TOO_COMPLEX).
 *
 * @example
 * evaluatePolicy([["like", ".to", "*@example.com"]], { to: "bob@example.com" }); // true
 */
export function evaluatePolicy(
  policy: unknown,
  args: JsonValue,
  options: EvaluatePolicyOptions = {},
): boolean {
  const compiled = isCompiled(policy) ? policy : compilePolicy(policy);
  const budget = options.budget ?? new StepBudget(MAX_POLICY_STEPS);
  for (const statement of compiled.statements) {
    if (!evaluateStatement(statement, args, budget)) return false;
  }
  return true;
}

/**
 * Requires every statement of every policy to hold, in order (spec 4.4 step 7), sharing one
 * budget. Throws ERR_POLICY_FAILED naming the first false statement, or ERR_POLICY_TOO_COMPLEX.
 *
 * @example
 * assertPoliciesHold([rootPolicy, childPolicy], args);
 */
export function assertPoliciesHold(policies: readonly CompiledPolicy[], args: JsonValue): void {
  const budget = new StepBudget(MAX_POLICY_STEPS);
  for (let link = 0; link < policies.length; link++) {
    const statements = policies[link]!.statements;
    for (let index = 0; index < statements.length; index++) {
      if (!evaluateStatement(statements[index]!, args, budget)) {
        throw new ProtocolError(
          "ERR_POLICY_FAILED",
          `pol: statement ${index} of link ${link} is false`,
          {
            details: { link, statement: index },
          },
        );
      }
    }
  }
}

function isCompiled(policy: unknown): policy is CompiledPolicy {
  return typeof policy === "object" && policy !== null && "statements" in policy;
}

function evaluateStatement(statement: Statement, input: JsonValue, budget: StepBudget): boolean {
  budget.spend(1);
  switch (statement.op) {
    case "==":
    case "!=": {
      const value = resolveSelector(statement.selector, input, budget);
      const equal = value !== SELECTION_FAILED && jsonEquals(value, statement.value, budget);
      // UCAN 1.0: "!=" is exactly ["not", ["==", ...]].
      return statement.op === "==" ? equal : !equal;
    }
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(
        statement.op,
        resolveSelector(statement.selector, input, budget),
        statement.value,
      );
    case "like": {
      const value = resolveSelector(statement.selector, input, budget);
      return typeof value === "string" && matchGlob(statement.glob, value, budget);
    }
    case "not":
      return !evaluateStatement(statement.statement, input, budget);
    case "and":
      return statement.statements.every((inner) => evaluateStatement(inner, input, budget));
    case "or":
      return (
        statement.statements.length === 0 ||
        statement.statements.some((inner) => evaluateStatement(inner, input, budget))
      );
    case "all":
    case "any":
      return quantify(statement, input, budget);
  }
}

function compare(op: "<" | "<=" | ">" | ">=", value: unknown, bound: number): boolean {
  if (typeof value !== "number") return false;
  if (op === "<") return value < bound;
  if (op === "<=") return value <= bound;
  if (op === ">") return value > bound;
  return value >= bound;
}

function quantify(
  statement: Extract<Statement, { op: "all" | "any" }>,
  input: JsonValue,
  budget: StepBudget,
): boolean {
  const value = resolveSelector(statement.selector, input, budget);
  if (value === SELECTION_FAILED || value === null || typeof value !== "object") return false;
  const elements = Array.isArray(value) ? value : Object.values(value);
  const all = statement.op === "all";
  for (const element of elements) {
    // all: stop at the first false; any: stop at the first true.
    if (evaluateStatement(statement.statement, element, budget) !== all) return !all;
  }
  return all;
}
