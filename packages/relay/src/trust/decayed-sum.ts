/** A sum whose terms halve every half-life: its value as of `at`. */
export interface DecayedSum {
  value: number;
  at: number;
}

/**
 * Adds `amount` happening at `at` to an exponentially decaying sum, in O(1). A term older than
 * the sum's time is added already decayed, so the order in which terms arrive does not matter.
 *
 * @example
 * const sum = { value: 0, at: 0 };
 * addDecayed(sum, 1, 1000, 3600);
 */
export function addDecayed(sum: DecayedSum, amount: number, at: number, halfLife: number): void {
  if (at >= sum.at) {
    sum.value = sum.value * decayFactor(at - sum.at, halfLife) + amount;
    sum.at = at;
  } else {
    sum.value += amount * decayFactor(sum.at - at, halfLife);
  }
}

/**
 * The sum's value at `now` (never more than its value at its own time).
 *
 * @example
 * decayedValue({ value: 2, at: 0 }, 3600, 3600); // 1
 */
export function decayedValue(sum: DecayedSum, now: number, halfLife: number): number {
  return now <= sum.at ? sum.value : sum.value * decayFactor(now - sum.at, halfLife);
}

function decayFactor(elapsed: number, halfLife: number): number {
  return 2 ** (-elapsed / halfLife);
}
