import { isClientError } from "../errors/client-error.ts";
import type { AccessGuard } from "./access-guard.ts";
import type { AccessTokenClaims } from "./verify-access-token.ts";

/** What a route requires, and how to read its arguments (default: the JSON body). */
export interface RouteAccess {
  cmd: string;
  args?: (request: { body?: unknown; query?: unknown }) => unknown;
}

// A wrong command or arguments is a valid token used for something else: 403; the rest 401.
const FORBIDDEN = new Set(["ERR_ACCESS_TOKEN_CMD_MISMATCH", "ERR_ACCESS_TOKEN_ARGS_MISMATCH"]);

/**
 * An RFC 9457 body and status for a refused request.
 *
 * @example
 * const { status, body } = accessProblem(error);
 */
export function accessProblem(error: unknown): { status: number; body: Record<string, unknown> } {
  const code = isClientError(error) ? error.code : "ERR_ACCESS_TOKEN_INVALID";
  const status = FORBIDDEN.has(code) ? 403 : 401;
  const detail = isClientError(error) ? error.message : "access token: invalid";
  return {
    status,
    body: {
      type: `urn:ants:error:${code}`,
      title: status === 403 ? "Forbidden" : "Unauthorized",
      status,
      detail,
      code,
    },
  };
}

interface FastifyLikeRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  query?: unknown;
  access?: AccessTokenClaims;
}

interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  type(contentType: string): FastifyLikeReply;
  send(body: unknown): unknown;
}

/**
 * A Fastify `preHandler` that lets a request through only with a valid access token for
 * `route.cmd`; the verified claims land on `request.access`.
 *
 * @example
 * app.post("/posts", { preHandler: fastifyAccess(guard, { cmd: "/social/post" }) }, handler);
 */
export function fastifyAccess(guard: AccessGuard, route: RouteAccess) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply) => {
    try {
      request.access = await guard.check(toGuarded(request, route), { cmd: route.cmd });
    } catch (error) {
      const { status, body } = accessProblem(error);
      return reply.code(status).type("application/problem+json").send(body);
    }
  };
}

interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  type(contentType: string): ExpressLikeResponse;
  send(body: string): unknown;
  locals?: Record<string, unknown>;
}

/**
 * The same check as an Express-style middleware; claims land on `res.locals.access`.
 *
 * @example
 * app.post("/posts", express.json(), expressAccess(guard, { cmd: "/social/post" }), handler);
 */
export function expressAccess(guard: AccessGuard, route: RouteAccess) {
  return (
    request: FastifyLikeRequest & { originalUrl?: string },
    response: ExpressLikeResponse,
    next: (error?: unknown) => void,
  ) => {
    guard
      .check(toGuarded({ ...request, url: request.originalUrl ?? request.url }, route), {
        cmd: route.cmd,
      })
      .then(
        (claims) => {
          if (response.locals !== undefined) response.locals.access = claims;
          next();
        },
        (error: unknown) => {
          const { status, body } = accessProblem(error);
          response.status(status).type("application/problem+json").send(JSON.stringify(body));
        },
      );
  };
}

function toGuarded(request: FastifyLikeRequest, route: RouteAccess) {
  const authorization = request.headers.authorization;
  return {
    method: request.method,
    url: request.url,
    authorization: typeof authorization === "string" ? authorization : undefined,
    dpop: request.headers.dpop,
    args: route.args === undefined ? request.body : route.args(request),
  };
}
