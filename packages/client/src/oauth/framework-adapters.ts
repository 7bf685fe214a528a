import type { AntsAuthInfo, OAuthResourceGuard } from "./oauth-resource-guard.ts";

/** The parts of a Node framework request the adapters read (Fastify and Express both have them). */
export interface NodeLikeRequest {
  method: string;
  /** The path with query, as received. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Set by the adapter once the caller is verified. */
  auth?: AntsAuthInfo;
}

/** The reply methods the adapters call; Fastify's reply and Express's response both have them. */
export interface NodeLikeReply {
  status(code: number): NodeLikeReply;
  header(name: string, value: string): unknown;
  send(body: unknown): unknown;
}

/**
 * Rebuilds a Web `Request` from a Node framework's request: method, path and headers are all the
 * guard reads. Repeated headers are joined with ", ", so two DPoP headers are refused as one bad
 * one.
 *
 * @example
 * const request = toWebRequest(req);
 */
export function toWebRequest(request: NodeLikeRequest): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return new Request(new URL(request.url, "http://resource.invalid"), {
    method: request.method,
    headers,
  });
}

async function guardNode(
  guard: OAuthResourceGuard,
  required: { scope: string },
  request: NodeLikeRequest,
  reply: NodeLikeReply,
): Promise<boolean> {
  try {
    request.auth = await guard.authenticate(toWebRequest(request), required);
    return true;
  } catch (error) {
    const refusal = guard.refusal(error, required);
    reply.header("www-authenticate", refusal.challenge);
    reply.header("cache-control", "no-store");
    reply.status(refusal.status).send(refusal.body);
    return false;
  }
}

/**
 * A Fastify `preHandler` that verifies the caller and sets `request.auth`, or answers the
 * challenge.
 *
 * @example
 * app.post("/posts", { preHandler: fastifyOAuth(guard, { scope: "/social/post" }) }, handler);
 */
export function fastifyOAuth(guard: OAuthResourceGuard, required: { scope: string }) {
  return async (request: NodeLikeRequest, reply: NodeLikeReply): Promise<unknown> => {
    // Fastify: an async hook that has sent the reply returns it, so the handler never runs.
    if (!(await guardNode(guard, required, request, reply))) return reply;
    return undefined;
  };
}

/**
 * An Express middleware that verifies the caller and sets `req.auth`, or answers the challenge.
 *
 * @example
 * app.post("/posts", expressOAuth(guard, { scope: "/social/post" }), handler);
 */
export function expressOAuth(guard: OAuthResourceGuard, required: { scope: string }) {
  return (request: NodeLikeRequest, reply: NodeLikeReply, next: (error?: unknown) => void) => {
    guardNode(guard, required, request, reply).then((ok) => {
      if (ok) next();
    }, next);
  };
}
