import { PROTOCOL_ERROR_CODES } from "@ants/protocol";
import type { FastifyInstance } from "fastify";

/** RFC 9457 problem details with the stable `code` extension member. */
export const problemDetailsSchema = {
  $id: "ProblemDetails",
  type: "object",
  description: "RFC 9457 problem details; `code` is stable and machine-readable.",
  required: ["type", "title", "status", "detail", "code"],
  additionalProperties: false,
  properties: {
    type: { type: "string", examples: ["urn:ants:error:ERR_SESSION_EXPIRED"] },
    title: { type: "string" },
    status: { type: "integer" },
    detail: { type: "string" },
    code: {
      type: "string",
      description: "A stable error code from the closed list.",
      enum: [...PROTOCOL_ERROR_CODES],
    },
    revocation: {
      type: "integer",
      description: "ERR_REVOKED_*: the sequence number of the revocation log entry behind it",
    },
  },
} as const;

/** A reference to the shared problem details schema, for `4xx`/`5xx` response entries. */
export const problemRef = { $ref: "ProblemDetails#" } as const;

const problemResponse = {
  description: "RFC 9457 problem details with a stable `code`.",
  content: { "application/problem+json": { schema: problemRef } },
} as const;

/** The error responses every route can give: any 4xx and any 5xx, as problem details. */
export const errorResponses = { "4xx": problemResponse, "5xx": problemResponse } as const;

/** A did:key for an Ed25519 key (multibase base58btc, `z6Mk` prefix). */
export const didSchema = {
  type: "string",
  minLength: 8,
  maxLength: 128,
  pattern: "^did:key:z[1-9A-HJ-NP-Za-km-z]+$",
} as const;

/** SHA-256 as unpadded base64url: exactly 43 characters. */
export const hashSchema = { type: "string", pattern: "^[A-Za-z0-9_-]{43}$" } as const;

/** A compact JWS: three base64url parts. The signed object's own parser checks the rest. */
export const compactJwsSchema = {
  type: "string",
  minLength: 5,
  maxLength: 16384,
  pattern: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$",
} as const;

/**
 * Adds the shared schemas to the app, so routes reference them by `$id` and the OpenAPI
 * document lists them once under components.
 *
 * @example
 * registerCommonSchemas(app);
 */
export function registerCommonSchemas(app: FastifyInstance): void {
  app.addSchema(problemDetailsSchema);
}
