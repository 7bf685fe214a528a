/** One sampling interval of a soak run. */
export interface SoakSample {
  /** Seconds since the soak load started. */
  at: number;
  answered: number;
  errors: number;
  p50: number;
  p99: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Memory of Buffers and other objects outside the V8 heap. */
  externalBytes: number;
}

/** The verdict's limits: memory growth per minute and how far p99 may drift. */
export const SOAK_LIMITS = {
  /** RSS growth over the second half of the run, least-squares slope. */
  rssMiBPerMinute: 2,
  /** Median p99 of the last third of the run against the first third (after the warm-up). */
  p99Drift: 1.5,
  /**
   * Highest authorize p99 of a capacity step that passes. A rate the relay answers only with
   * seconds of queueing is past its capacity, and a soak at 80 percent of it keeps a growing
   * backlog (memory and latency rising with it) rather than measuring the relay.
   */
  capacityP99Ms: 250,
  /** Length of one capacity step: long enough for a queue to show in its p99. */
  capacityStepSeconds: 10,
} as const;

/** What a soak run concludes, check by check. */
export interface SoakVerdict {
  ok: boolean;
  errors: { ok: boolean; count: number };
  memory: { ok: boolean; rssMiBPerMinute: number; heapMiBPerMinute: number };
  p99: { ok: boolean; firstThirdMs: number; lastThirdMs: number; drift: number };
}

const MIB = 1024 * 1024;

/**
 * Least-squares slope of `y` over `x`, 0 with fewer than two points.
 *
 * @example
 * slope([0, 1, 2], [1, 3, 5]); // 2
 */
export function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const meanX = x.reduce((a, b) => a + b, 0) / n;
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < n; i++) {
    covariance += (x[i]! - meanX) * (y[i]! - meanY);
    variance += (x[i]! - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Judges a soak run from its samples: zero errors (with the run's mismatches and skipped calls
 * counted as errors), RSS flat over the second half of the run (a slope over the whole run would
 * be dominated by the allocator handing back start-up memory, which shows as one large drop),
 * and p99 stable after the warm-up (the first fifth of the samples, at least one): the last
 * third's median p99 within {@link SOAK_LIMITS}.p99Drift of the first third's.
 *
 * @example
 * const verdict = judgeSoak(samples, { errors: 0 });
 */
export function judgeSoak(samples: readonly SoakSample[], totals: { errors: number }): SoakVerdict {
  const warm = samples.slice(Math.max(1, Math.floor(samples.length / 5)));
  const secondHalf = samples.slice(Math.floor(samples.length / 2));
  const minutes = secondHalf.map((sample) => sample.at / 60);
  const rssSlope = slope(
    minutes,
    secondHalf.map((sample) => sample.rssBytes / MIB),
  );
  const heapSlope = slope(
    minutes,
    secondHalf.map((sample) => sample.heapUsedBytes / MIB),
  );
  const third = Math.max(1, Math.floor(warm.length / 3));
  const first = median(warm.slice(0, third).map((sample) => sample.p99));
  const last = median(warm.slice(-third).map((sample) => sample.p99));
  const drift = first === 0 ? 0 : last / first;
  const round = (value: number) => Math.round(value * 100) / 100;
  const verdict = {
    errors: { ok: totals.errors === 0, count: totals.errors },
    memory: {
      ok: rssSlope <= SOAK_LIMITS.rssMiBPerMinute,
      rssMiBPerMinute: round(rssSlope),
      heapMiBPerMinute: round(heapSlope),
    },
    p99: {
      ok: drift <= SOAK_LIMITS.p99Drift,
      firstThirdMs: round(first),
      lastThirdMs: round(last),
      drift: round(drift),
    },
  };
  return { ok: verdict.errors.ok && verdict.memory.ok && verdict.p99.ok, ...verdict };
}
