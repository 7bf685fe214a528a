import type { FastifyInstance } from "fastify";
import { logSessionEnded } from "../audit-log/relay-events.ts";
import { RelayError } from "../errors/relay-error.ts";
import { didSchema, errorResponses, hashSchema } from "../schemas/common-schemas.ts";
import { authenticate } from "../sessions/authenticate.ts";

const sessionSummary = {
  type: "object",
  required: ["id", "instance", "issuedAt", "expiresAt", "current"],
  additionalProperties: false,
  properties: {
    id: hashSchema,
    instance: { type: "string" },
    issuedAt: { type: "integer" },
    expiresAt: { type: "integer" },
    current: { type: "boolean" },
  },
} as const;

const agentParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: didSchema },
} as const;

/**
 * `GET /v1/agents/{id}/sessions` and `DELETE /v1/agents/{id}/sessions/{sessionId}`: an agent's
 * own live sessions (docs/spec/sessions.md 4.3).
 *
 * @example
 * registerSessionRoutes(app);
 */
export function registerSessionRoutes(app: FastifyInstance): void {
  registerSessionList(app);
}

function registerSessionList(app: FastifyInstance): void {
  app.get<{ Params: { id: string } }>(
    "/v1/agents/:id/sessions",
    {
      schema: {
        summary: "List the calling agent's live sessions",
        tags: ["sessions"],
        security: [{ session: [] }],
        params: agentParams,
        response: {
          200: {
            type: "object",
            required: ["sessions"],
            additionalProperties: false,
            properties: { sessions: { type: "array", items: sessionSummary } },
          },
          ...errorResponses,
        },
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
        assertSelf(request.agent!.agent, request.params.id);
      },
    },
    async (request) => {
      const now = app.relay.now();
      const sessions = app.relay.sessions.liveOf(request.params.id, now).map((session) => ({
        id: session.id,
        instance: session.instance,
        issuedAt: session.issuedAt,
        expiresAt: session.expiresAt,
        current: session.id === request.agent!.sessionId,
      }));
      return { sessions };
    },
  );

  app.delete<{ Params: { id: string; sessionId: string } }>(
    "/v1/agents/:id/sessions/:sessionId",
    {
      schema: {
        summary: "End one of the calling agent's sessions",
        tags: ["sessions"],
        security: [{ session: [] }],
        params: {
          type: "object",
          required: ["id", "sessionId"],
          additionalProperties: false,
          properties: { id: didSchema, sessionId: hashSchema },
        },
        response: { 204: { type: "null" }, ...errorResponses },
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
        assertSelf(request.agent!.agent, request.params.id);
      },
    },
    async (request, reply) => {
      const now = app.relay.now();
      const session = app.relay.sessions.byId(request.params.sessionId, now);
      if (session === undefined || session.agent !== request.params.id) {
        throw new RelayError("ERR_SESSION_NOT_FOUND", "session: no live session with this id");
      }
      await app.relay.sessions.end(session.id, now);
      await logSessionEnded(app.relay.auditLog, {
        agent: session.agent,
        actor: request.agent!.agent,
        session: session.id,
        time: now,
      });
      request.log.info({ agent: session.agent, session: session.id }, "session ended");
      return reply.code(204).send();
    },
  );
}

function assertSelf(caller: string, agent: string): void {
  if (caller !== agent) {
    throw new RelayError("ERR_SESSION_FORBIDDEN", "sessions: an agent sees only its own");
  }
}
