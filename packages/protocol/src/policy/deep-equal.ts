import type { JsonValue } from "../json/strict-json.ts";
import type { StepBudget } from "./step-budget.ts";

/**
 * Deep equality of JSON values (spec 3.1): objects with the same member names and equal values
 * in any order, arrays with equal elements in order, numbers by value. Spends one step per
 * value compared.
 *
 * @example
 * jsonEquals({ a: [1, 2] }, { a: [1, 2] }, budget); // true
 */
export function jsonEquals(a: JsonValue, b: JsonValue, budget: StepBudget): boolean {
  budget.spend(1);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i]!, b[i]!, budget)) return false;
    return true;
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !jsonEquals(a[key]!, b[key]!, budget)) return false;
  }
  return true;
}
