import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** The relay's Prometheus metrics, on a registry of its own so several relays share a process. */
export interface RelayMetrics {
  readonly registry: Registry;
  /** Counts one authorization decision by result (`allow`, `pending`, `deny`) and reason code. */
  recordDecision(result: string, reason: string): void;
  /** Counts a refusal that happened before the caller was authenticated (never audited). */
  recordUnauthenticated(route: string, code: string): void;
}

// Buckets from 100 µs to 1 s: an authorize is expected in the sub-millisecond range.
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

/**
 * Creates the metrics and hooks them into the app: request counts and latency histograms by
 * route template (never the raw path, which would make labels unbounded) and status.
 *
 * @example
 * const metrics = registerMetrics(app, { processMetrics: false });
 */
export function registerMetrics(
  app: FastifyInstance,
  options: { processMetrics?: boolean } = {},
): RelayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "ants_http_requests_total",
    help: "HTTP requests answered, by method, route template and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "ants_http_request_duration_seconds",
    help: "Time to answer an HTTP request, by method and route template.",
    labelNames: ["method", "route"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const decisions = new Counter({
    name: "ants_decisions_total",
    help: "Authorization decisions, by result and reason code.",
    labelNames: ["result", "reason"] as const,
    registers: [registry],
  });
  const unauthenticated = new Counter({
    name: "ants_unauthenticated_failures_total",
    help: "Requests refused before the caller was authenticated, by route and code.",
    labelNames: ["route", "code"] as const,
    registers: [registry],
  });

  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "unmatched";
    requests.inc({ method: request.method, route, status: reply.statusCode });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  return {
    registry,
    recordDecision: (result, reason) => decisions.inc({ result, reason }),
    recordUnauthenticated: (route, code) => unauthenticated.inc({ route, code }),
  };
}
