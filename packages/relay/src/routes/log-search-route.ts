import type { FastifyInstance } from "fastify";
import { didSchema, errorResponses } from "../schemas/common-schemas.ts";
import { bundleSchema, describeBundle, indexSchema, optionalIndex } from "./log-route-schemas.ts";

const SEARCH_LIMIT = 100;

interface SearchQuerystring {
  agent?: string;
  principal?: string;
  cmd?: string;
  since?: string;
  until?: string;
  after?: string;
  limit?: string;
}

/**
 * `GET /v1/log/search`: entries covered by the latest checkpoint that match every filter given
 * (agent, principal, cmd, since, until; `after` and `limit` page), each with its inclusion proof.
 *
 * @example
 * registerSearchRoute(app);
 */
export function registerSearchRoute(app: FastifyInstance): void {
  app.get<{ Querystring: SearchQuerystring }>(
    "/v1/log/search",
    {
      schema: {
        summary: "Entries by agent, principal, command and time, each with its inclusion proof",
        tags: ["log"],
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            agent: didSchema,
            principal: didSchema,
            cmd: { type: "string", minLength: 1, maxLength: 256, pattern: "^/[a-z0-9/_-]*$" },
            since: indexSchema,
            until: indexSchema,
            after: indexSchema,
            limit: { type: "string", pattern: "^([1-9]|[1-9][0-9]|100)$" },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["checkpoint", "size", "results", "next"],
            additionalProperties: false,
            properties: {
              checkpoint: { type: "string" },
              size: { type: "integer" },
              results: { type: "array", items: bundleSchema },
              next: { anyOf: [{ type: "integer" }, { type: "null" }] },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await app.relay.auditLog.reads.search({
        ...(q.agent === undefined ? {} : { agent: q.agent }),
        ...(q.principal === undefined ? {} : { principal: q.principal }),
        ...(q.cmd === undefined ? {} : { cmd: q.cmd }),
        ...optionalIndex(q.since, "since"),
        ...optionalIndex(q.until, "until"),
        ...optionalIndex(q.after, "after"),
        limit: q.limit === undefined ? SEARCH_LIMIT : Number(q.limit),
      });
      return {
        checkpoint: page.checkpoint.note,
        size: page.checkpoint.size,
        results: page.results.map((result) => describeBundle(result, false)),
        next: page.next,
      };
    },
  );
}
