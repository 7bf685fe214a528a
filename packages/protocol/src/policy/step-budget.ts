import { ProtocolError } from "../errors/protocol-error.ts";

/** Steps one verification may spend on policies, across the whole chain (spec 3.4). */
export const MAX_POLICY_STEPS = 100_000;

/**
 * Counts policy evaluation steps and throws ERR_POLICY_TOO_COMPLEX once the budget is spent, so
 * a hostile policy or argument list costs a bounded amount of work.
 *
 * @example
 * const budget = new StepBudget(1000);
 * budget.spend(1);
 */
export class StepBudget {
  #remaining: number;

  constructor(steps = MAX_POLICY_STEPS) {
    this.#remaining = steps;
  }

  /** Steps left. */
  get remaining(): number {
    return this.#remaining;
  }

  /** Spends `steps`; throws ERR_POLICY_TOO_COMPLEX when the budget would go negative. */
  spend(steps: number): void {
    this.#remaining -= steps;
    if (this.#remaining < 0) {
      throw new ProtocolError("ERR_POLICY_TOO_COMPLEX", "pol: evaluation step budget exceeded");
    }
  }
}
