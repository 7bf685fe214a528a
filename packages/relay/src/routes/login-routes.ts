import {
  decodeBase64url,
  encodeBase64url,
  parseLoginStatement,
  tokenHash,
  verifyLoginStatement,
} from "@ants/protocol";
import type { FastifyInstance } from "fastify";
import { logSessionOpened } from "../audit-log/relay-events.ts";
import { RelayError } from "../errors/relay-error.ts";
import {
  compactJwsSchema,
  didSchema,
  errorResponses,
  hashSchema,
} from "../schemas/common-schemas.ts";
import { signSessionToken } from "../sessions/session-token.ts";
import { observeLogin, reactionDeps } from "../trust/trust-reactions.ts";

/**
 * `POST /v1/sessions/challenge` and `POST /v1/sessions`: a single-use nonce, then a login
 * statement signed by the agent's key answered by a session token (docs/spec/sessions.md 3).
 *
 * @example
 * registerLoginRoutes(app);
 */
export function registerLoginRoutes(app: FastifyInstance): void {
  registerChallenge(app);
  registerLogin(app);
}

function registerChallenge(app: FastifyInstance): void {
  app.post(
    "/v1/sessions/challenge",
    {
      schema: {
        summary: "Get a single-use login nonce (60 s)",
        tags: ["sessions"],
        body: { type: "object", additionalProperties: false, properties: {} },
        response: {
          201: {
            type: "object",
            required: ["nonce", "expiresAt", "relay", "origin"],
            additionalProperties: false,
            properties: {
              nonce: hashSchema,
              expiresAt: { type: "integer" },
              relay: didSchema,
              origin: { type: "string" },
            },
          },
          ...errorResponses,
        },
      },
      // No body at all means the same as {}: there is nothing to ask for.
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
    },
    async (_request, reply) => {
      const { nonce, expiresAt } = await app.relay.challenges.issue(app.relay.now());
      const answer = {
        nonce,
        expiresAt,
        relay: app.relay.identity.did,
        origin: app.relay.publicUrl,
      };
      return reply.code(201).send(answer);
    },
  );
}

function registerLogin(app: FastifyInstance): void {
  app.post<{ Body: { login: string } }>(
    "/v1/sessions",
    {
      schema: {
        summary: "Log in with a login statement; answers a session token",
        tags: ["sessions"],
        body: {
          type: "object",
          required: ["login"],
          additionalProperties: false,
          properties: { login: { ...compactJwsSchema, description: "ants-login+jwt" } },
        },
        response: {
          201: {
            type: "object",
            required: ["session", "sessionId", "expiresAt", "instance"],
            additionalProperties: false,
            properties: {
              session: { type: "string", description: "ants-session+jwt" },
              sessionId: hashSchema,
              expiresAt: { type: "integer" },
              instance: { type: "string" },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const relay = app.relay;
      const now = relay.now();
      const parsed = parseLoginStatement(request.body.login);
      const agent = await relay.store.agents.get(parsed.claims.iss);
      if (agent === undefined) throw new RelayError("ERR_AGENT_NOT_FOUND", "iss: not registered");
      const claims = verifyLoginStatement(parsed, {
        agentKey: decodeBase64url(agent.publicKey, "agent key"),
        relay: relay.identity.did,
        origin: relay.publicUrl,
        now,
      });
      await relay.challenges.consume(claims.nonce, now);
      const others = relay.sessions
        .liveOf(agent.id, now)
        .filter((s) => s.instance !== claims.instance);
      // More live instances than declared is a copied key: L0 at once (docs/spec/trust.md 4.6).
      await observeLogin(reactionDeps(relay), {
        agent: agent.id,
        registeredAt: agent.registeredAt,
        declared: agent.instances,
        live: others.length + 1,
      });
      if (others.length >= agent.instances) {
        throw new RelayError(
          "ERR_INSTANCES_EXCEEDED",
          `instance: ${agent.instances} declared, all live`,
        );
      }

      const jkt = claims.sessionKeyThumbprint;
      const ttl = relay.sessionTtlSeconds;
      const { token, claims: issued } = signSessionToken(relay.identity, {
        agent: agent.id,
        instance: claims.instance,
        jkt,
        now,
        ttl,
      });
      const session = await relay.sessions.open({
        id: tokenHash(token),
        agent: agent.id,
        instance: claims.instance,
        keyThumbprint: jkt,
        publicKey: encodeBase64url(claims.sessionKey),
        token,
        issuedAt: now,
        expiresAt: issued.exp,
        endedAt: null,
        endReason: null,
      });
      await logSessionOpened(relay.auditLog, {
        agent: agent.id,
        session: session.id,
        instance: session.instance,
        keyThumbprint: jkt,
        time: now,
      });
      request.log.info(
        { agent: agent.id, session: session.id, instance: session.instance },
        "session opened",
      );
      return reply.code(201).send({
        session: token,
        sessionId: session.id,
        expiresAt: session.expiresAt,
        instance: session.instance,
      });
    },
  );
}
