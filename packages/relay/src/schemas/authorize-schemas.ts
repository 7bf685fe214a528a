import { compactJwsSchema, didSchema, hashSchema } from "./common-schemas.ts";

/**
 * A compact JWS on the hot path: bounded only. The strict JWS parser checks its structure next,
 * with a precise code, so a regular expression over kilobytes of base64url here would be paid
 * twice for nothing on every authorize.
 */
function boundedToken(maxLength: number, description: string) {
  return { type: "string", minLength: 5, maxLength, description } as const;
}

/** Body of `POST /v1/authorize` (docs/spec/authorize.md section 1). */
export const authorizeBodySchema = {
  type: "object",
  required: ["invocation", "chain"],
  additionalProperties: false,
  properties: {
    invocation: boundedToken(65536, "ants-inv+jwt"),
    chain: {
      type: "array",
      minItems: 1,
      maxItems: 8,
      items: boundedToken(8192, "ants-dlg+jwt"),
      description: "The delegations, root first (ants-dlg+jwt).",
    },
    resource: {
      type: "string",
      minLength: 1,
      maxLength: 2048,
      description: "The resource server the access token is for (RFC 8707).",
    },
  },
} as const;

const approvalStatusSchema = {
  type: "object",
  required: ["k", "of", "approvedBy"],
  additionalProperties: false,
  properties: {
    k: { type: "integer" },
    of: { type: "array", items: didSchema },
    approvedBy: { type: "array", items: didSchema },
  },
} as const;

/** A decision: `allow`, `pending` or `deny` (docs/spec/authorize.md 1.2). */
export const decisionSchema = {
  type: "object",
  required: ["decision", "invocationHash", "auditIndex", "actor", "principal", "command"],
  additionalProperties: false,
  properties: {
    decision: { type: "string", enum: ["allow", "pending", "deny"] },
    invocationHash: hashSchema,
    auditIndex: { type: "integer" },
    actor: { type: "string" },
    principal: { type: "string" },
    command: { type: "string" },
    reason: { type: "string", description: "deny: the stable reason code" },
    detail: { type: "string" },
    accessToken: { type: "string", description: "allow: an RFC 9068 at+jwt for the resource" },
    accessTokenExpiresAt: { type: "integer" },
    resource: { type: "string" },
    approvals: { type: "array", items: approvalStatusSchema },
    expiresAt: { type: "integer", description: "pending: when the invocation stops waiting" },
  },
} as const;

/** Body of `POST /v1/approvals`. */
export const approvalBodySchema = {
  type: "object",
  required: ["approval"],
  additionalProperties: false,
  properties: { approval: { ...compactJwsSchema, maxLength: 8192, description: "ants-apr+jwt" } },
} as const;

/** Answer of `POST /v1/approvals`. */
export const approvalAnswerSchema = {
  type: "object",
  required: ["invocationHash", "approvedBy", "satisfied"],
  additionalProperties: false,
  properties: {
    invocationHash: hashSchema,
    approvedBy: { type: "array", items: didSchema },
    satisfied: { type: "boolean" },
  },
} as const;
