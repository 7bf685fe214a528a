import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { RelayError } from "../errors/relay-error.ts";
import type { MethodTable } from "./method-table.ts";
import type { RelayMetrics } from "./metrics.ts";
import { toCodedError, toProblemDetails } from "./problem-details.ts";

/** RFC 9457 section 3: the media type of a problem details body. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/**
 * Installs the error and not-found handlers: every failure becomes an RFC 9457 body with a
 * stable `code`. Bad input is always a 4xx; only a fault of the relay itself is a 5xx, logged at
 * error level with its stack (the stack never reaches the client). Failures before the caller
 * is authenticated are counted in metrics and against the client's failure limit. A known path
 * asked with a method it does not answer gets 405 ERR_METHOD_NOT_ALLOWED with an `Allow` header.
 *
 * @example
 * registerErrorHandler(app, { metrics, recordFailure: limit.recordFailure });
 */
export function registerErrorHandler(
  app: FastifyInstance,
  options: {
    metrics: RelayMetrics;
    recordFailure: (address: string) => void;
    methods?: MethodTable;
  },
): void {
  const { metrics } = options;
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const coded = toCodedError(error);
    const problem = toProblemDetails(coded);
    if (problem.status >= 500) {
      request.log.error({ err: error }, "internal error");
    }
    if (request.agent === undefined) {
      metrics.recordUnauthenticated(request.routeOptions.url ?? "unmatched", problem.code);
      if (problem.code !== "ERR_RATE_LIMITED") options.recordFailure(request.ip);
    }
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const allowed = options.methods?.allowedMethods(request.url) ?? [];
    const problem = toProblemDetails(
      allowed.length > 0
        ? new RelayError("ERR_METHOD_NOT_ALLOWED", "method: this path does not answer it")
        : new RelayError("ERR_ROUTE_NOT_FOUND", "route: no such endpoint"),
    );
    if (allowed.length > 0) reply.header("allow", allowed.join(", "));
    metrics.recordUnauthenticated("unmatched", problem.code);
    options.recordFailure(request.ip);
    return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
