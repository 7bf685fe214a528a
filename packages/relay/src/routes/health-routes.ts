import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors/relay-error.ts";
import type { RelayMetrics } from "../http/metrics.ts";
import { errorResponses } from "../schemas/common-schemas.ts";

/**
 * `GET /healthz` (liveness: the relay answers and its store is open) and `GET /metrics`
 * (Prometheus text exposition).
 *
 * @example
 * registerHealthRoutes(app, { metrics, isHealthy: () => true });
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  options: {
    metrics: RelayMetrics;
    isHealthy: () => boolean;
    /** Throws a coded error when the relay must not serve decisions (a stale instance). */
    assertReady?: () => void;
  },
): void {
  app.get(
    "/healthz",
    {
      schema: {
        summary: "Liveness and readiness",
        tags: ["operations"],
        response: {
          200: {
            type: "object",
            required: ["status"],
            additionalProperties: false,
            properties: { status: { type: "string", enum: ["ok"] } },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      if (!options.isHealthy()) throw new RelayError("ERR_UNAVAILABLE", "relay: shutting down");
      options.assertReady?.();
      return { status: "ok" as const };
    },
  );

  app.get(
    "/metrics",
    { schema: { summary: "Prometheus metrics", tags: ["operations"] } },
    async (_request, reply) => {
      const body = await options.metrics.registry.metrics();
      return reply.type(options.metrics.registry.contentType).send(body);
    },
  );
}
