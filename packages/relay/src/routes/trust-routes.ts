import type { FastifyInstance } from "fastify";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import { keyEventBookOf } from "../key-events/key-event-book.ts";
import { errorResponses } from "../schemas/common-schemas.ts";
import {
  agentIdParams,
  heartbeatAnswerSchema,
  outcomeAnswerSchema,
  outcomeBodySchema,
  stakeAnswerSchema,
  stakeBodySchema,
  trustExplanationSchema,
  vouchAnswerSchema,
  vouchBodySchema,
} from "../schemas/trust-schemas.ts";
import { authenticate } from "../sessions/authenticate.ts";
import { explainTrust } from "../trust/trust-explanation.ts";
import {
  changeStake,
  recordHeartbeat,
  type SubmissionDeps,
  submitOutcome,
  submitVouch,
} from "../trust/trust-submissions.ts";

/**
 * The trust API (docs/spec/trust.md): `POST /v1/vouches` and `POST /v1/outcomes` (signed
 * statements, no session), `POST /v1/heartbeats` (session and DPoP), `POST
 * /v1/agents/{id}/stake` (an operator's session) and `GET /v1/agents/{id}/trust`.
 *
 * @example
 * registerTrustRoutes(app);
 */
export function registerTrustRoutes(app: FastifyInstance): void {
  registerStatements(app);
  registerHeartbeat(app);
  registerStake(app);
  registerExplanation(app);
}

/**
 * The dependencies of the trust submissions, from the relay context.
 *
 * @example
 * await submitVouch(submissionDeps(app.relay), token);
 */
export function submissionDeps(relay: RelayContext): SubmissionDeps {
  return {
    trust: relay.trust,
    relayDid: relay.identity.did,
    store: relay.store,
    revocations: relay.revocations,
    operators: relay.revocation.operators,
    now: relay.now,
    resolveKey: keyEventBookOf(relay).resolveKey,
  };
}

function registerStatements(app: FastifyInstance): void {
  app.post<{ Body: { vouch: string } }>(
    "/v1/vouches",
    {
      schema: {
        summary: "Vouch for an agent (ants-vouch+jwt signed by the voucher)",
        description: "201: a new vouch; 200: the same statement was already held.",
        tags: ["trust"],
        body: vouchBodySchema,
        response: { 200: vouchAnswerSchema, 201: vouchAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const answer = await submitVouch(submissionDeps(app.relay), request.body.vouch);
      request.log.info({ vouch: answer.vouch.hash, created: answer.created }, "vouch");
      return reply.code(answer.created ? 201 : 200).send(answer);
    },
  );
  app.post<{ Body: { outcome: string } }>(
    "/v1/outcomes",
    {
      schema: {
        summary: "Report the outcome of an authorized action (ants-outcome+jwt)",
        description:
          "201: counted at the reporter's weight; 200: not counted, the reporter's weight is 0.",
        tags: ["trust"],
        body: outcomeBodySchema,
        response: { 200: outcomeAnswerSchema, 201: outcomeAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const answer = await submitOutcome(submissionDeps(app.relay), request.body.outcome);
      return reply.code(answer.counted ? 201 : 200).send(answer);
    },
  );
}

function registerHeartbeat(app: FastifyInstance): void {
  app.post(
    "/v1/heartbeats",
    {
      schema: {
        summary: "Heartbeat: the session's DPoP proof is the signed heartbeat",
        tags: ["trust"],
        security: [{ session: [] }],
        body: { type: "object", additionalProperties: false, properties: {} },
        response: { 200: heartbeatAnswerSchema, ...errorResponses },
      },
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
      },
    },
    async (request) => {
      const session = request.session!;
      const answer = await recordHeartbeat(submissionDeps(app.relay), session);
      return { agent: session.agent, instance: session.instance, ...answer };
    },
  );
}

function registerStake(app: FastifyInstance): void {
  app.post<{
    Params: { id: string };
    Body: { action: "set" | "slash"; amount: number; reason?: string };
  }>(
    "/v1/agents/:id/stake",
    {
      schema: {
        summary: "Set or slash an agent's stake (operators only)",
        tags: ["trust"],
        security: [{ session: [] }],
        params: agentIdParams,
        body: stakeBodySchema,
        response: { 200: stakeAnswerSchema, ...errorResponses },
      },
      preHandler: async (request) => {
        await authenticate(app.relay, request);
      },
    },
    async (request) => {
      const { action, amount, reason } = request.body;
      const answer = await changeStake(submissionDeps(app.relay), {
        operator: request.session!.agent,
        agent: request.params.id,
        action,
        amount,
        reason: reason ?? "",
      });
      request.log.info({ agent: answer.agent, action, stake: answer.stake }, "stake");
      return answer;
    },
  );
}

function registerExplanation(app: FastifyInstance): void {
  app.get<{ Params: { id: string } }>(
    "/v1/agents/:id/trust",
    {
      schema: {
        summary: "Explain an agent's trust level: each gate's value, threshold and next step",
        tags: ["trust"],
        params: agentIdParams,
        response: { 200: trustExplanationSchema, ...errorResponses },
      },
    },
    async (request) => {
      const relay = app.relay;
      const now = relay.now();
      const id = request.params.id;
      const config = relay.trust.deps.config;
      const record = await relay.store.agents.get(id);
      if (record !== undefined) relay.trust.engine.know(id, record.registeredAt, record.instances);
      const known = config.pinned[id] !== undefined || config.seeds.includes(id);
      if (!known && record === undefined) {
        throw new RelayError("ERR_AGENT_NOT_FOUND", "agent: not registered");
      }
      // Recompute what changed first, so the explanation and the authorize path agree.
      await relay.trust.refresh();
      return explainTrust(relay.trust.engine, id, now);
    },
  );
}
