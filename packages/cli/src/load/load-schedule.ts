/** What the open-loop clock needs of the drive options. */
export interface ScheduleOptions {
  rate: number;
  durationSeconds: number;
  signal?: AbortSignal | undefined;
  intervalMs?: number | undefined;
  maxInFlight?: number | undefined;
}

const TICK_MS = 5;

/**
 * The open-loop clock: call `k` is due at `start + k / rate`, and starts then whether or not
 * earlier calls have answered; its latency counts from that due time, so a slow relay shows as
 * latency instead of as a slower schedule. Calls beyond `maxInFlight` (default 4,096) are
 * skipped and counted. Resolves once every call started has settled.
 *
 * @example
 * await schedule({ rate: 100, durationSeconds: 10 }, (at) => call(at), () => undefined);
 */
export async function schedule(
  options: ScheduleOptions,
  start: (scheduledAt: number) => Promise<void>,
  progress: (elapsedMs: number, sent: number, inFlight: number) => void,
): Promise<{ sent: number; skipped: number; elapsedSeconds: number }> {
  const begin = performance.now();
  const total = Math.floor(options.rate * options.durationSeconds);
  const maxInFlight = options.maxInFlight ?? 4096;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let skipped = 0;
  let lastProgress = begin;
  await new Promise<void>((done) => {
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - begin) * options.rate) / 1000));
      for (; sent < due; sent++) {
        if (inFlight.size >= maxInFlight) {
          skipped++;
          continue;
        }
        const call = start(begin + (sent * 1000) / options.rate).catch(() => undefined);
        inFlight.add(call);
        void call.finally(() => inFlight.delete(call));
      }
      if (now - lastProgress >= (options.intervalMs ?? 1000)) {
        lastProgress = now;
        progress(now - begin, sent, inFlight.size);
      }
      if (sent >= total || options.signal?.aborted === true) {
        clearInterval(timer);
        done();
      }
    }, TICK_MS);
  });
  await Promise.all(inFlight);
  return { sent, skipped, elapsedSeconds: (performance.now() - begin) / 1000 };
}
