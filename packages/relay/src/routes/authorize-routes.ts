import type { FastifyInstance } from "fastify";
import { authorizeInvocation } from "../authorize/authorize-invocation.ts";
import type { AuthorizeBody } from "../authorize/authorize-request.ts";
import { resolvePending } from "../authorize/pending-flow.ts";
import { authorizeBodySchema, decisionSchema } from "../schemas/authorize-schemas.ts";
import { errorResponses, hashSchema } from "../schemas/common-schemas.ts";
import { authenticate } from "../sessions/authenticate.ts";

/**
 * `POST /v1/authorize` (the decision, docs/spec/authorize.md section 1; the signed invocation is
 * the proof of possession, so only the session token is sent) and `GET /v1/authorize/{hash}`
 * (a pending decision, resolved once its approvals are in).
 *
 * @example
 * registerAuthorizeRoutes(app);
 */
export function registerAuthorizeRoutes(app: FastifyInstance): void {
  app.post<{ Body: AuthorizeBody }>(
    "/v1/authorize",
    {
      schema: {
        summary: "Decide whether the caller may run an invocation",
        description:
          "Runs DESIGN.md section 6 in order. Authorization: DPoP <session token>; no DPoP header.",
        tags: ["authorization"],
        security: [{ session: [] }],
        body: authorizeBodySchema,
        response: { 200: decisionSchema, ...errorResponses },
      },
    },
    async (request) => {
      const session = await authenticate(app.relay, request, { withProof: false });
      return authorizeInvocation(app.relay, session, request.body);
    },
  );

  app.get<{ Params: { hash: string } }>(
    "/v1/authorize/:hash",
    {
      schema: {
        summary: "Read a pending decision; answers allow once enough approvals are in",
        tags: ["authorization"],
        security: [{ session: [] }],
        params: {
          type: "object",
          required: ["hash"],
          additionalProperties: false,
          properties: { hash: hashSchema },
        },
        response: { 200: decisionSchema, ...errorResponses },
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
      },
    },
    async (request) => resolvePending(app.relay, request.session!, request.params.hash),
  );
}
