/** The call kinds the load generator drives. */
export const LOAD_KINDS = [
  "authorize",
  "approve",
  "pending",
  "revoke",
  "outcome",
  "rotate",
] as const;
export type LoadKind = (typeof LOAD_KINDS)[number];

/** Latency percentiles of one call kind, in milliseconds. */
export interface LatencySummary {
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A call whose answer differs from the one the generator expected. */
export interface Mismatch {
  kind: LoadKind;
  expected: string;
  got: string;
}

const MAX_MISMATCH_SAMPLES = 20;

/**
 * The value at quantile `q` of `sorted` (nearest rank), 0 when empty.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5); // 2
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

function summarise(latencies: number[], errors: number): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    errors,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

/**
 * What a load run observed: latencies per kind (whole run and since the last interval), error
 * counts by code, and expectation mismatches (counted, the first few kept as samples).
 *
 * @example
 * const stats = new LoadStats();
 * stats.record("authorize", 3.2);
 * stats.summary().authorize.p99;
 */
export class LoadStats {
  readonly #latencies = new Map<LoadKind, number[]>();
  readonly #errorsByKind = new Map<LoadKind, number>();
  readonly errors = new Map<string, number>();
  readonly mismatchSamples: Mismatch[] = [];
  mismatches = 0;
  #interval: number[] = [];
  #intervalErrors = 0;

  /** One answered call, its latency counted from the time it was scheduled. */
  record(kind: LoadKind, milliseconds: number): void {
    let list = this.#latencies.get(kind);
    if (list === undefined) {
      list = [];
      this.#latencies.set(kind, list);
    }
    list.push(milliseconds);
    this.#interval.push(milliseconds);
  }

  /** One call that failed with `code` (a relay error code, or ERR_RELAY_UNREACHABLE). */
  fail(kind: LoadKind, code: string, milliseconds: number): void {
    this.record(kind, milliseconds);
    this.#errorsByKind.set(kind, (this.#errorsByKind.get(kind) ?? 0) + 1);
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    this.#intervalErrors++;
  }

  mismatch(found: Mismatch): void {
    this.mismatches++;
    if (this.mismatchSamples.length < MAX_MISMATCH_SAMPLES) this.mismatchSamples.push(found);
  }

  get completed(): number {
    let total = 0;
    for (const list of this.#latencies.values()) total += list.length;
    return total;
  }

  get errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }

  /** Percentiles per kind over the whole run, for the kinds that were called. */
  summary(): Partial<Record<LoadKind, LatencySummary>> {
    const result: Partial<Record<LoadKind, LatencySummary>> = {};
    for (const kind of LOAD_KINDS) {
      const list = this.#latencies.get(kind);
      if (list !== undefined) result[kind] = summarise(list, this.#errorsByKind.get(kind) ?? 0);
    }
    return result;
  }

  /** Percentiles of every call answered since the previous call, then starts a new interval. */
  takeInterval(): LatencySummary {
    const summary = summarise(this.#interval, this.#intervalErrors);
    this.#interval = [];
    this.#intervalErrors = 0;
    return summary;
  }
}
