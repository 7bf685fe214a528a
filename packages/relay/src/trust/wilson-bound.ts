/**
 * The lower end of the Wilson score interval for a success ratio (Wilson 1927): the ratio the
 * evidence supports with the confidence `z` stands for. A short history scores low by itself:
 * 5 successes out of 5 give 0.57 at z = 1.96, 100 out of 100 give 0.96. Trials may be
 * fractional (weighted evidence). Returns 0 for no trials.
 *
 * @example
 * wilsonLowerBound(100, 100, 1.96); // 0.963
 */
export function wilsonLowerBound(successes: number, trials: number, z: number): number {
  if (!(trials > 0)) return 0;
  const p = Math.min(1, Math.max(0, successes / trials));
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - margin) / (1 + z2 / trials));
}
