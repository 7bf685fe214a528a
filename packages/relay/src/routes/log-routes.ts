import { parseTilePath } from "@ants/protocol";
import type { FastifyInstance } from "fastify";
import { errorResponses } from "../schemas/common-schemas.ts";
import {
  base64,
  bundleSchema,
  describeBundle,
  IMMUTABLE,
  indexParams,
  indexSchema,
  proofSchema,
  readIndex,
} from "./log-route-schemas.ts";
import { registerSearchRoute } from "./log-search-route.ts";

/**
 * The audit log over HTTP (docs/log-api.md): the signed checkpoint, C2SP tlog-tiles, entries,
 * inclusion and consistency proofs, per-entry proof bundles and search. Everything here is
 * public: the log is meant to be checked by anyone holding the relay's verifier key.
 *
 * @example
 * registerLogRoutes(app);
 */
export function registerLogRoutes(app: FastifyInstance): void {
  const log = () => app.relay.auditLog;

  app.get(
    "/v1/log/checkpoint",
    {
      schema: {
        summary: "The latest signed checkpoint (C2SP tlog-checkpoint, signed note)",
        tags: ["log"],
        produces: ["text/plain"],
        response: { 200: { type: "string" }, ...errorResponses },
      },
    },
    async (_request, reply) => {
      const checkpoint = await log().reads.checkpoint();
      return reply
        .type("text/plain; charset=utf-8")
        .header("cache-control", "no-cache")
        .send(checkpoint.note);
    },
  );

  app.get<{ Params: { "*": string } }>(
    "/v1/log/tile/*",
    {
      schema: {
        summary: "A hash tile or entry bundle (C2SP tlog-tiles)",
        tags: ["log"],
        produces: ["application/octet-stream"],
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const tile = parseTilePath(`tile/${request.params["*"]}`);
      const body =
        tile.kind === "entries"
          ? await log().reads.entryBundle(tile)
          : await log().reads.tile(tile);
      // Full tiles never change; a partial tile of a given width never changes either, but the
      // log may later serve only the full tile, so it is cached briefly.
      reply.header("cache-control", tile.width === 256 ? IMMUTABLE : "public, max-age=60");
      return reply.type("application/octet-stream").send(Buffer.from(body));
    },
  );

  app.get<{ Params: { index: string } }>(
    "/v1/log/entries/:index",
    {
      schema: {
        summary: "The exact bytes of one entry (RFC 8785 canonical JSON)",
        tags: ["log"],
        params: indexParams,
        response: { ...errorResponses },
      },
    },
    async (request, reply) => {
      const entry = await log().reads.entry(readIndex(request.params.index, "index"));
      reply.header("cache-control", IMMUTABLE);
      return reply.type("application/json").send(Buffer.from(entry));
    },
  );

  app.get<{ Params: { index: string } }>(
    "/v1/log/entries/:index/bundle",
    {
      schema: {
        summary: "An entry with its inclusion proof and the signed checkpoint it verifies against",
        tags: ["log"],
        params: indexParams,
        response: { 200: bundleSchema, ...errorResponses },
      },
    },
    async (request) =>
      describeBundle(await log().reads.bundle(readIndex(request.params.index, "index")), true),
  );

  registerProofRoutes(app);
  registerSearchRoute(app);
}

function registerProofRoutes(app: FastifyInstance): void {
  app.get<{ Querystring: { index: string; size: string } }>(
    "/v1/log/proof/inclusion",
    {
      schema: {
        summary: "Inclusion proof of entry `index` in the tree of `size` (RFC 9162 2.1.3)",
        tags: ["log"],
        querystring: {
          type: "object",
          required: ["index", "size"],
          additionalProperties: false,
          properties: { index: indexSchema, size: indexSchema },
        },
        response: {
          200: {
            type: "object",
            required: ["index", "size", "proof"],
            additionalProperties: false,
            properties: {
              index: { type: "integer" },
              size: { type: "integer" },
              proof: proofSchema,
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const index = readIndex(request.query.index, "index");
      const size = readIndex(request.query.size, "size");
      const { proof } = await app.relay.auditLog.reads.tree.inclusionProof(index, size);
      return { index, size, proof: proof.map(base64) };
    },
  );

  app.get<{ Querystring: { from: string; to: string } }>(
    "/v1/log/proof/consistency",
    {
      schema: {
        summary: "Consistency proof between tree sizes `from` and `to` (RFC 9162 2.1.4)",
        tags: ["log"],
        querystring: {
          type: "object",
          required: ["from", "to"],
          additionalProperties: false,
          properties: { from: indexSchema, to: indexSchema },
        },
        response: {
          200: {
            type: "object",
            required: ["from", "to", "proof"],
            additionalProperties: false,
            properties: { from: { type: "integer" }, to: { type: "integer" }, proof: proofSchema },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const from = readIndex(request.query.from, "from");
      const to = readIndex(request.query.to, "to");
      const proof = await app.relay.auditLog.reads.tree.consistencyProof(from, to);
      return { from, to, proof: proof.map(base64) };
    },
  );
}
