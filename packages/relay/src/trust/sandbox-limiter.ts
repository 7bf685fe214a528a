/** One key's counts: this minute's and the previous minute's. */
interface Window {
  start: number;
  count: number;
  previous: number;
}

/**
 * Per-agent rate limits of the sandbox: a sliding minute estimated from two fixed windows (the
 * previous minute's count weighted by how much of it still overlaps), O(1) per call and two
 * numbers per agent and prefix. In memory, per relay instance.
 *
 * @example
 * const limiter = new SandboxLimiter();
 * limiter.take(`${agent} /social`, 5, now); // false once 5 were taken in the last minute
 */
export class SandboxLimiter {
  readonly #windows = new Map<string, Window>();

  /** Takes one call for `key` if fewer than `perMinute` were taken in the sliding minute. */
  take(key: string, perMinute: number, now: number): boolean {
    const start = now - (now % 60);
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = { start, count: 0, previous: 0 };
      this.#windows.set(key, window);
    }
    if (window.start !== start) {
      window.previous = start - window.start === 60 ? window.count : 0;
      window.count = 0;
      window.start = start;
    }
    const overlap = 1 - (now - start) / 60;
    if (window.previous * overlap + window.count >= perMinute) return false;
    window.count++;
    return true;
  }

  /** Forgets windows idle for more than two minutes; run from a timer, never per call. */
  sweep(now: number): void {
    for (const [key, window] of this.#windows) {
      if (now - window.start > 120) this.#windows.delete(key);
    }
  }
}
