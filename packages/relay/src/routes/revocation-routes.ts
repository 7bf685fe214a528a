import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors/relay-error.ts";
import { keyEventBookOf } from "../key-events/key-event-book.ts";
import { publishedEntry } from "../revocation/revocation-entry.ts";
import { readSeq, submitDeps } from "../revocation/revocation-services.ts";
import { streamRevocations } from "../revocation/revocation-stream.ts";
import { type SubmitInput, submitRevocation } from "../revocation/submit-revocation.ts";
import { errorResponses } from "../schemas/common-schemas.ts";
import {
  revocationAnswerSchema,
  revocationBodySchema,
  revocationEntrySchema,
  revocationListQuerySchema,
  revocationListSchema,
  seqQuerySchema,
  snapshotAnswerSchema,
} from "../schemas/revocation-schemas.ts";

const DEFAULT_LIMIT = 1000;

/**
 * The revocation API (docs/spec/revocation.md): `POST /v1/revocations` (a signed request, no
 * session: principals and owners revoke too), `GET /v1/revocations?since=SEQ`,
 * `GET /v1/revocations/snapshot` and `GET /v1/revocations/stream` (server-sent events).
 *
 * @example
 * registerRevocationRoutes(app);
 */
export function registerRevocationRoutes(app: FastifyInstance): void {
  app.addSchema(revocationEntrySchema);
  // Streams never end by themselves; a closing relay ends them so it can stop.
  app.addHook("preClose", async () => {
    for (const stream of app.relay.revocation.streams) stream.end();
  });
  registerSubmit(app);
  registerReads(app);
  registerStream(app);
}

function registerSubmit(app: FastifyInstance): void {
  app.post<{ Body: SubmitInput }>(
    "/v1/revocations",
    {
      schema: {
        summary: "Revoke a key, token, issuer epoch, handle or session",
        description:
          "The body carries an ants-rev+jwt signed by the revoker. The entry is durable before " +
          "the answer, and the next call refuses the target. 201: a new entry; 200: the entry " +
          "that already covers the request.",
        tags: ["revocation"],
        body: revocationBodySchema,
        response: { 200: revocationAnswerSchema, 201: revocationAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const deps = { ...submitDeps(app.relay), resolveKey: keyEventBookOf(app.relay).resolveKey };
      const { entry, created } = await submitRevocation(deps, request.body);
      request.log.info(
        { seq: entry.seq, kind: entry.kind, revoker: entry.revoker, created },
        "revocation",
      );
      return reply.code(created ? 201 : 200).send({ entry: publishedEntry(entry) });
    },
  );
}

function registerReads(app: FastifyInstance): void {
  app.get<{ Querystring: { since?: string; limit?: string } }>(
    "/v1/revocations",
    {
      schema: {
        summary: "Entries of the revocation log after a sequence number, in order",
        tags: ["revocation"],
        querystring: revocationListQuerySchema,
        response: { 200: revocationListSchema, ...errorResponses },
      },
    },
    async (request) => {
      const since = readSeq(request.query.since, "since");
      const limit = Math.min(Number(request.query.limit ?? DEFAULT_LIMIT), 10_000);
      const head = app.relay.revocations.seq;
      const records = await app.relay.revocations.listSince(since, limit);
      // Entries another writer appended but this relay has not applied yet wait for the poll.
      const entries = records.filter((record) => record.seq <= head).map(publishedEntry);
      return { entries, head };
    },
  );

  app.get(
    "/v1/revocations/snapshot",
    {
      schema: {
        summary: "A relay-signed snapshot of the revocation state, for verifiers working offline",
        tags: ["revocation"],
        response: { 200: snapshotAnswerSchema, ...errorResponses },
      },
    },
    async (_request, reply) => {
      reply.header("cache-control", "no-store");
      return app.relay.revocation.snapshots.current();
    },
  );
}

function registerStream(app: FastifyInstance): void {
  app.get<{ Querystring: { since?: string } }>(
    "/v1/revocations/stream",
    {
      schema: {
        summary: "The revocation log as server-sent events, resumable by sequence number",
        description:
          "Each event's id is its sequence number; resume with Last-Event-ID or ?since=. " +
          "Heartbeat events name the head sequence and the relay's time.",
        tags: ["revocation"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: { since: seqQuerySchema },
        },
        response: {
          200: { description: "text/event-stream", type: "string" },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const header = request.headers["last-event-id"];
      const since =
        typeof header === "string" && header !== ""
          ? readSeq(header, "Last-Event-ID")
          : readSeq(request.query.since, "since");
      const services = app.relay.revocation;
      if (services.streams.size >= services.maxStreams) {
        throw new RelayError("ERR_UNAVAILABLE", "stream: too many open streams");
      }
      services.streams.add(reply.raw);
      reply.hijack();
      const deps = {
        revocations: app.relay.revocations,
        now: app.relay.now,
        heartbeatMs: services.heartbeatMs,
      };
      try {
        await streamRevocations(deps, reply.raw, since);
      } finally {
        services.streams.delete(reply.raw);
      }
    },
  );
}
