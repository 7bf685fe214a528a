import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors/relay-error.ts";

/** Default refusals before authentication allowed per client address per minute. */
export const DEFAULT_PRE_AUTH_FAILURES_PER_MINUTE = 600;

const WINDOW_MS = 60_000;

/**
 * Rate-limits failures before authentication (DESIGN.md section 6): each client address may
 * cause `perMinute` refusals of unauthenticated requests a minute; beyond that every request
 * from it is refused with ERR_RATE_LIMITED until the minute ends. Authenticated callers'
 * refusals do not count: they are audited instead. Counters reset each minute, which also bounds
 * the memory to the addresses seen in one minute.
 *
 * @example
 * const limit = registerFailureLimit(app, { perMinute: 600 });
 * limit.recordFailure(request.ip);
 */
export function registerFailureLimit(
  app: FastifyInstance,
  options: { perMinute: number },
): { recordFailure(address: string): void } {
  let windowStart = Date.now();
  let failures = new Map<string, number>();
  const roll = () => {
    if (Date.now() - windowStart < WINDOW_MS) return;
    windowStart = Date.now();
    failures = new Map();
  };

  app.addHook("onRequest", async (request) => {
    roll();
    if ((failures.get(request.ip) ?? 0) >= options.perMinute) {
      throw new RelayError("ERR_RATE_LIMITED", "too many failed requests; retry in a minute");
    }
  });

  return {
    recordFailure: (address) => {
      roll();
      failures.set(address, (failures.get(address) ?? 0) + 1);
    },
  };
}
