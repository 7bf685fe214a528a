import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { registerErrorHandler } from "../http/error-handler.ts";
import { registerJsonBody } from "../http/json-body.ts";
import {
  createRelayLogger,
  type RelayLoggerOptions,
  registerRequestLogging,
} from "../http/logging.ts";
import { registerMetrics } from "../http/metrics.ts";
import { registerOpenApi } from "../http/openapi.ts";
import "../http/request-context.ts";
import { registerHealthRoutes } from "../routes/health-routes.ts";
import { registerCommonSchemas } from "../schemas/common-schemas.ts";

/** Options for {@link buildRelay}. */
export interface RelayOptions {
  /** Logger settings; default info level to standard output. */
  logger?: RelayLoggerOptions;
  /** Largest request body accepted, in bytes. Default 131072 (a full chain fits easily). */
  maxBodyBytes?: number;
  /** Collect Node process metrics (CPU, memory, event loop). Default true. */
  processMetrics?: boolean;
}

/** Default body cap: eight delegation tokens at their size cap plus an invocation fit. */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024;

/**
 * Ajv settings that never change a request behind the caller's back: no type coercion, no
 * stripping of unknown fields (the schemas refuse them instead), no defaults filled in.
 */
const STRICT_AJV = { coerceTypes: false, removeAdditional: false, useDefaults: false } as const;

/**
 * Builds the relay's HTTP application (Fastify 5) without listening: JSON-only bodies with a size
 * cap, strict schemas, RFC 9457 errors, allow-listed logging, metrics and OpenAPI.
 *
 * @example
 * const app = await buildRelay({ logger: { level: "silent" } });
 * const res = await app.inject({ method: "GET", url: "/healthz" });
 */
export async function buildRelay(options: RelayOptions = {}): Promise<FastifyInstance> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = Fastify({
    loggerInstance: createRelayLogger(options.logger) as FastifyBaseLogger,
    // Fastify's own request lines log the whole request; ours log allow-listed fields only.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    genReqId: () => randomUUID(),
    bodyLimit: maxBodyBytes,
    ajv: { customOptions: STRICT_AJV },
    return503OnClosing: true,
  });
  let closing = false;
  app.addHook("onClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  const metrics = registerMetrics(app, { processMetrics: options.processMetrics ?? true });
  registerRequestLogging(app);
  registerErrorHandler(app, metrics);
  registerJsonBody(app, { maxBodyBytes });
  registerCommonSchemas(app);
  await registerOpenApi(app, { version: "0.1.0" });

  registerHealthRoutes(app, { metrics, isHealthy: () => !closing });
  return app;
}
