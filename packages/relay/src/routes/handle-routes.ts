import type { FastifyInstance } from "fastify";
import { claimHandle, issueHandleChallenge } from "../handles/handle-claims.ts";
import {
  acceptTransfer,
  offerTransfer,
  readOffer,
  releaseHandle,
  revokeHandle,
} from "../handles/handle-lifecycle.ts";
import { resolveHandle } from "../handles/resolve-handle.ts";
import { authenticateStatement } from "../handles/statement-auth.ts";
import { didSchema, errorResponses } from "../schemas/common-schemas.ts";
import {
  endedHandleSchema,
  handleChallengeSchema,
  handleInputSchema,
  handleParamsSchema,
  handleSolutionSchema,
  issuedChallengeSchema,
  offerSchema,
  resolvedHandleSchema,
  statementBodySchema,
  statementSchema,
} from "../schemas/handle-schemas.ts";
import { authenticate } from "../sessions/authenticate.ts";

type Named = { Params: { name: string }; Body: { statement: string } };

/**
 * The handle registry's endpoints (docs/spec/handles.md section 8): challenge, claim, resolve,
 * transfer offer and acceptance, release and revocation. Every change is authenticated by the
 * caller's session token with a handle statement as its proof. Also counts every authenticated
 * request as activity of its agent, which keeps the agent's handles from lapsing.
 *
 * @example
 * registerHandleRoutes(app);
 */
export function registerHandleRoutes(app: FastifyInstance): void {
  app.addHook("onResponse", async (request) => {
    if (request.agent !== undefined) {
      app.relay.handles.activity.touch(request.agent.agent, app.relay.now());
    }
  });
  registerChallenge(app);
  registerClaim(app);
  registerResolve(app);
  registerTransfer(app);
  registerEnd(app);
}

function registerChallenge(app: FastifyInstance): void {
  app.post<{ Body: { handle: string; agent: string } }>(
    "/v1/handles/challenge",
    {
      schema: {
        summary: "Get a proof-of-work challenge for claiming a handle",
        tags: ["handles"],
        body: {
          type: "object",
          required: ["handle", "agent"],
          additionalProperties: false,
          properties: { handle: handleInputSchema, agent: didSchema },
        },
        response: { 201: issuedChallengeSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const issued = await issueHandleChallenge(app.relay.handles, request.body);
      return reply.code(201).send(issued);
    },
  );
}

function registerClaim(app: FastifyInstance): void {
  app.post<{ Body: { handle: string; challenge: unknown; solution: unknown; statement: string } }>(
    "/v1/handles",
    {
      schema: {
        summary: "Claim a handle with a solved challenge",
        tags: ["handles"],
        security: [{ session: [] }],
        body: {
          type: "object",
          required: ["handle", "challenge", "solution", "statement"],
          additionalProperties: false,
          properties: {
            handle: handleInputSchema,
            challenge: handleChallengeSchema,
            solution: handleSolutionSchema,
            statement: statementSchema,
          },
        },
        response: { 201: resolvedHandleSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const relay = app.relay;
      const claims = await authenticateStatement(relay, request, "claim", request.body.handle);
      const record = await claimHandle(relay.handles, { ...request.body, claims });
      const answer = await resolveHandle(
        relay.handles,
        relay.identity,
        relay.publicUrl,
        record.name,
      );
      return reply.code(201).send(answer);
    },
  );
}

function registerResolve(app: FastifyInstance): void {
  app.get<{ Params: { name: string } }>(
    "/v1/handles/:name",
    {
      schema: {
        summary: "Resolve a handle to the agent that holds it, with a relay-signed binding",
        tags: ["handles"],
        params: handleParamsSchema,
        response: { 200: resolvedHandleSchema, ...errorResponses },
      },
    },
    async (request) => {
      const relay = app.relay;
      return resolveHandle(relay.handles, relay.identity, relay.publicUrl, request.params.name);
    },
  );
}

function registerTransfer(app: FastifyInstance): void {
  app.get<{ Params: { name: string } }>(
    "/v1/handles/:name/transfer",
    {
      schema: {
        summary: "Read the pending transfer of a handle (its holder or recipient only)",
        tags: ["handles"],
        security: [{ session: [] }],
        params: handleParamsSchema,
        response: { 200: offerSchema, ...errorResponses },
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
      },
    },
    async (request) => {
      const name = request.params.name;
      const { holder, offer } = await readOffer(app.relay.handles, name, request.agent!.agent);
      const { to, hash, statement, expiresAt } = offer;
      return { handle: name, holder, to, offer: hash, statement, expiresAt };
    },
  );

  app.post<Named>(
    "/v1/handles/:name/transfer",
    lifecycleRoute(
      "Offer a handle to another agent; nothing moves until it accepts",
      offerSchema,
      202,
    ),
    async (request, reply) => {
      const relay = app.relay;
      const claims = await authenticateStatement(relay, request, "transfer", request.params.name);
      const offer = await offerTransfer(relay.handles, {
        statement: request.body.statement,
        claims,
      });
      const { to, hash, statement, expiresAt } = offer;
      const answer = {
        handle: claims.handle,
        holder: claims.iss,
        to,
        offer: hash,
        statement,
        expiresAt,
      };
      return reply.code(202).send(answer);
    },
  );

  app.post<Named>(
    "/v1/handles/:name/accept",
    lifecycleRoute("Accept a handle offered to the caller", resolvedHandleSchema, 200),
    async (request) => {
      const relay = app.relay;
      const claims = await authenticateStatement(relay, request, "accept", request.params.name);
      await acceptTransfer(relay.handles, { statement: request.body.statement, claims });
      return resolveHandle(relay.handles, relay.identity, relay.publicUrl, claims.handle);
    },
  );
}

function registerEnd(app: FastifyInstance): void {
  app.post<Named>(
    "/v1/handles/:name/release",
    lifecycleRoute(
      "Release a handle the caller holds; it goes into quarantine",
      endedHandleSchema,
      200,
    ),
    async (request) => {
      const relay = app.relay;
      const claims = await authenticateStatement(relay, request, "release", request.params.name);
      const ended = await releaseHandle(relay.handles, {
        statement: request.body.statement,
        claims,
      });
      return { handle: claims.handle, holder: claims.iss, ...ended };
    },
  );

  app.post<Named>(
    "/v1/handles/:name/revoke",
    lifecycleRoute(
      "Revoke a handle (relay operators only); it goes into quarantine",
      endedHandleSchema,
      200,
    ),
    async (request) => {
      const relay = app.relay;
      const claims = await authenticateStatement(relay, request, "revoke", request.params.name);
      const { seq, holder, quarantineUntil } = await revokeHandle(relay.handles, {
        statement: request.body.statement,
        claims,
      });
      return { handle: claims.handle, holder, quarantineUntil, revocation: seq };
    },
  );
}

function lifecycleRoute(summary: string, answer: object, status: number) {
  return {
    schema: {
      summary,
      tags: ["handles"],
      security: [{ session: [] }],
      params: handleParamsSchema,
      body: statementBodySchema,
      response: { [status]: answer, ...errorResponses },
    },
  };
}
