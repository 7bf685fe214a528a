import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors/relay-error.ts";
import { appendKeyEvent, keyEventsOf } from "../key-events/append-key-event.ts";
import { keyEventBookOf } from "../key-events/key-event-book.ts";
import { compactJwsSchema, didSchema, errorResponses } from "../schemas/common-schemas.ts";

const MAX_APPROVALS = 16;

const idParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: didSchema },
} as const;

const eventsSchema = {
  type: "object",
  required: ["id", "events"],
  additionalProperties: false,
  properties: {
    id: didSchema,
    events: {
      type: "array",
      items: {
        type: "object",
        required: ["event", "receivedAt"],
        additionalProperties: false,
        properties: {
          event: { ...compactJwsSchema, description: "ants-kel+jwt, exactly as received" },
          approvals: { type: "array", items: compactJwsSchema },
          receivedAt: { type: "integer", description: "the relay's clock at receipt" },
        },
      },
    },
  },
} as const;

const appendedSchema = {
  type: "object",
  required: ["id", "seq", "receivedAt", "currentKey", "revocations"],
  additionalProperties: false,
  properties: {
    id: didSchema,
    seq: { type: "integer" },
    receivedAt: { type: "integer" },
    currentKey: { ...didSchema, description: "the agent's current key after the event" },
    revocations: {
      type: "array",
      items: { type: "integer" },
      description: "sequence numbers of the key revocations the event wrote",
    },
  },
} as const;

/**
 * `POST /v1/agents/{id}/events` (append a rotation or override, docs/spec/key-events.md 8.2) and
 * `GET /v1/agents/{id}/events` (the log with receipt times, 8.3). Loads the key histories of
 * agents that rotated when the relay becomes ready, so signature checks resolve current keys.
 *
 * @example
 * registerKeyEventRoutes(app);
 */
export function registerKeyEventRoutes(app: FastifyInstance): void {
  app.addHook("onReady", async () => {
    const repository = app.relay.store.keyEvents;
    if (repository === undefined) return;
    const book = keyEventBookOf(app.relay);
    await book.load(repository);
    // A rotation revokes the replaced key with an entry the relay writes itself (no request),
    // and every instance applies it from the shared revocation log within the revocation
    // bound: that entry is the signal to read the agent's log again (key-events.md 8.5).
    app.relay.revocations.onApply((entry) => {
      if (entry.kind !== "key" || entry.request !== null) return;
      book.reload(repository, entry.revoker).catch((error: { code?: string }) => {
        app.log.warn({ agent: entry.revoker, code: error.code }, "key event log reload failed");
      });
    });
  });

  app.post<{ Params: { id: string }; Body: { event: string; approvals?: string[] } }>(
    "/v1/agents/:id/events",
    {
      schema: {
        summary: "Append a rotation or override to an agent's key event log",
        tags: ["agents"],
        params: idParams,
        body: {
          type: "object",
          required: ["event"],
          additionalProperties: false,
          properties: {
            event: { ...compactJwsSchema, description: "ants-kel+jwt rotation" },
            approvals: { type: "array", maxItems: MAX_APPROVALS, items: compactJwsSchema },
          },
        },
        response: { 201: appendedSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { event, approvals } = request.body;
      const record = approvals === undefined ? { event } : { event, approvals };
      const answer = await appendKeyEvent(app.relay, request.params.id, record);
      request.log.info({ agent: answer.id, seq: answer.seq }, "key event appended");
      return reply.code(201).send(answer);
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/agents/:id/events",
    {
      schema: {
        summary: "Read an agent's key event log with receipt times",
        tags: ["agents"],
        params: idParams,
        response: { 200: eventsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const stored = await keyEventsOf(app.relay).list(request.params.id);
      if (stored.length === 0) {
        throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: no key event log on this relay");
      }
      return {
        id: request.params.id,
        events: stored.map((entry) => ({
          event: entry.event,
          ...(entry.approvals === null ? {} : { approvals: entry.approvals }),
          receivedAt: entry.receivedAt,
        })),
      };
    },
  );
}
