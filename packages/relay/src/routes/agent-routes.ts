import { encodeBase64url, publicKeyToJwk, verifyRegistration } from "@ants/protocol";
import type { FastifyInstance } from "fastify";
import { logRegistration } from "../audit-log/relay-events.ts";
import { RelayError } from "../errors/relay-error.ts";
import { keyEventsOf } from "../key-events/append-key-event.ts";
import { pinInception } from "../key-events/pin-inception.ts";
import { compactJwsSchema, didSchema, errorResponses } from "../schemas/common-schemas.ts";
import { registerKeyEventRoutes } from "./key-event-routes.ts";

const agentSchema = {
  type: "object",
  required: ["id", "publicKeyJwk", "instances", "owner", "registeredAt", "handles"],
  additionalProperties: false,
  properties: {
    id: didSchema,
    publicKeyJwk: {
      type: "object",
      required: ["kty", "crv", "x", "kid"],
      additionalProperties: false,
      properties: {
        kty: { type: "string" },
        crv: { type: "string" },
        x: { type: "string" },
        kid: { type: "string" },
      },
    },
    instances: { type: "integer" },
    owner: { anyOf: [didSchema, { type: "null" }] },
    registeredAt: { type: "integer" },
    handles: {
      type: "array",
      items: { type: "string" },
      description: "the handles the agent holds on this relay (docs/spec/handles.md 8)",
    },
  },
} as const;

/**
 * `POST /v1/agents` (register with a statement signed by the agent's key, docs/spec/sessions.md
 * section 2, optionally pinning its signed inception, docs/spec/key-events.md 8.1),
 * `GET /v1/agents/{id}`, and the key event log routes.
 *
 * @example
 * registerAgentRoutes(app);
 */
export function registerAgentRoutes(app: FastifyInstance): void {
  registerKeyEventRoutes(app);

  app.post<{ Body: { registration: string; inception?: string } }>(
    "/v1/agents",
    {
      schema: {
        summary: "Register an agent",
        tags: ["agents"],
        body: {
          type: "object",
          required: ["registration"],
          additionalProperties: false,
          properties: {
            registration: { ...compactJwsSchema, description: "ants-reg+jwt" },
            inception: {
              ...compactJwsSchema,
              description: "ants-kel+jwt inception; without it the agent cannot rotate here",
            },
          },
        },
        response: { 201: agentSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const relay = app.relay;
      const now = relay.now();
      const claims = verifyRegistration(request.body.registration, {
        relay: relay.identity.did,
        now,
      });
      const { inception } = request.body;
      const pinned = inception === undefined ? undefined : pinInception(inception, claims, now);
      const keyEvents = pinned === undefined ? undefined : keyEventsOf(relay);
      const record = {
        id: claims.iss,
        publicKey: encodeBase64url(claims.publicKey),
        owner: claims.owner ?? pinned?.owner?.iss ?? null,
        recovery: claims.recovery === undefined ? null : JSON.stringify(claims.recovery),
        instances: claims.instances,
        registration: request.body.registration,
        registeredAt: now,
      };
      if (!(await relay.store.agents.insert(record))) {
        throw new RelayError("ERR_AGENT_EXISTS", "agent: already registered");
      }
      if (inception !== undefined) {
        const event = { agent: record.id, seq: 0, event: inception, approvals: null };
        await keyEvents!.append({ ...event, receivedAt: now }, record.publicKey);
      }
      await logRegistration(relay.auditLog, { ...record, agent: record.id, time: now, inception });
      request.log.info({ agent: record.id }, "agent registered");
      return reply.code(201).send(describeAgent(record, claims.publicKey, []));
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/agents/:id",
    {
      schema: {
        summary: "Read an agent's public record",
        tags: ["agents"],
        params: {
          type: "object",
          required: ["id"],
          additionalProperties: false,
          properties: { id: didSchema },
        },
        response: { 200: agentSchema, ...errorResponses },
      },
    },
    async (request) => {
      const record = await app.relay.store.agents.get(request.params.id);
      if (record === undefined)
        throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: not registered");
      const handles = await app.relay.handles.handlesOf(record.id);
      return describeAgent(record, Buffer.from(record.publicKey, "base64url"), handles);
    },
  );
}

function describeAgent(
  record: { id: string; owner: string | null; instances: number; registeredAt: number },
  publicKey: Uint8Array,
  handles: string[],
) {
  return {
    id: record.id,
    publicKeyJwk: publicKeyToJwk(publicKey),
    instances: record.instances,
    owner: record.owner,
    registeredAt: record.registeredAt,
    handles,
  };
}
