import { REVOCATION_KINDS } from "@ants/protocol";
import { compactJwsSchema } from "./common-schemas.ts";

/** Body of `POST /v1/revocations` (docs/spec/revocation.md 2). */
export const revocationBodySchema = {
  type: "object",
  required: ["request"],
  additionalProperties: false,
  properties: {
    request: { ...compactJwsSchema, maxLength: 4096, description: "ants-rev+jwt" },
    token: {
      ...compactJwsSchema,
      maxLength: 8192,
      description: "kind token: the delegation itself, when the relay may not have seen it",
    },
  },
} as const;

/** One entry of the revocation log (docs/spec/revocation.md 4.1). */
export const revocationEntrySchema = {
  $id: "RevocationEntry",
  type: "object",
  required: ["seq", "kind", "target", "reason", "at", "revoker", "request"],
  additionalProperties: false,
  properties: {
    seq: { type: "integer", minimum: 1, description: "assigned by the relay, dense, from 1" },
    kind: { type: "string", enum: [...REVOCATION_KINDS] },
    target: {
      type: "string",
      description: "key id, token hash, issuer DID, canonical handle or session id",
    },
    reason: { type: "string" },
    at: { type: "integer", description: "when the relay recorded it" },
    revoker: { type: "string", description: "the revoker's DID" },
    compromisedSince: { type: "integer", description: "key: stated compromise time" },
    epoch: { type: "integer", description: "issuer-epoch: the epoch" },
    request: {
      anyOf: [{ type: "string" }, { type: "null" }],
      description: "the revoker's signed request, null when the relay wrote the entry",
    },
  },
} as const;

/** A reference to {@link revocationEntrySchema}. */
export const revocationEntryRef = { $ref: "RevocationEntry#" } as const;

/** Answer of `POST /v1/revocations`: the new entry (201) or the one already covering it (200). */
export const revocationAnswerSchema = {
  type: "object",
  required: ["entry"],
  additionalProperties: false,
  properties: { entry: revocationEntryRef },
} as const;

/** A sequence number in a query string: digits only, so nothing is coerced. */
export const seqQuerySchema = { type: "string", pattern: "^(0|[1-9][0-9]{0,15})$" } as const;

/** Query of `GET /v1/revocations`. */
export const revocationListQuerySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    since: { ...seqQuerySchema, description: "entries after this sequence number; default 0" },
    limit: {
      type: "string",
      pattern: "^[1-9][0-9]{0,4}$",
      description: "1 to 10000; default 1000",
    },
  },
} as const;

/** Answer of `GET /v1/revocations`. */
export const revocationListSchema = {
  type: "object",
  required: ["entries", "head"],
  additionalProperties: false,
  properties: {
    entries: { type: "array", items: revocationEntryRef },
    head: { type: "integer", description: "the last sequence number applied by this relay" },
  },
} as const;

/** Answer of `GET /v1/revocations/snapshot` (docs/spec/revocation.md 5). */
export const snapshotAnswerSchema = {
  type: "object",
  required: ["snapshot", "seq", "iat", "exp"],
  additionalProperties: false,
  properties: {
    snapshot: { type: "string", description: "ants-rev-snapshot+jwt signed by the relay's key" },
    seq: { type: "integer" },
    iat: { type: "integer" },
    exp: { type: "integer" },
  },
} as const;
