import type { Budget, Figure, JudgedBudget, SummarisedFigure } from "./spec.ts";

/**
 * The median of `values` (the mean of the middle two for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Each figure over the runs of one benchmark: median value, spread ((max - min) / median),
 * median reference and median ratio. Ratios are taken per run first, so a load change between
 * runs hits a figure and its reference alike.
 *
 * @example
 * summariseFigures("audit-append", [[figureOfRun1], [figureOfRun2], [figureOfRun3]]);
 */
export function summariseFigures(
  benchmark: string,
  runs: readonly (readonly Figure[])[],
): SummarisedFigure[] {
  const names = runs[0]?.map((figure) => figure.name) ?? [];
  return names.map((name) => {
    const samples = runs.flatMap((run) => run.filter((figure) => figure.name === name));
    const values = samples.map((figure) => figure.value);
    const middle = median(values);
    const first = samples[0]!;
    const references = samples.flatMap((f) => (f.reference === undefined ? [] : [f.reference]));
    const ratios = samples.flatMap((f) => (f.ratio === undefined ? [] : [f.ratio]));
    return {
      benchmark,
      name,
      unit: first.unit,
      runs: samples.length,
      median: middle,
      spread: middle === 0 ? 0 : (Math.max(...values) - Math.min(...values)) / Math.abs(middle),
      ...(references.length > 0
        ? {
            reference: { name: references[0]!.name, value: median(references.map((r) => r.value)) },
          }
        : {}),
      ...(ratios.length > 0 ? { ratio: median(ratios) } : {}),
    };
  });
}

/**
 * Judges each budget on the median of its figure; a budget whose figure is missing is missed.
 *
 * @example
 * judgeBudgets("audit-append", spec.budgets, figures)[0].met; // true or false
 */
export function judgeBudgets(
  benchmark: string,
  budgets: readonly Budget[],
  figures: readonly SummarisedFigure[],
): JudgedBudget[] {
  return budgets.map((budget) => {
    const figure = figures.find((f) => f.name === budget.figure);
    const measured = budget.on === "ratio" ? figure?.ratio : figure?.median;
    const met =
      measured !== undefined &&
      (budget.op === "<=" ? measured <= budget.limit : measured >= budget.limit);
    return { ...budget, benchmark, measured, met };
  });
}
