import { compactJwsSchema, didSchema, hashSchema } from "./common-schemas.ts";

/** A vouch as the relay holds it. */
const vouchSchema = {
  type: "object",
  required: ["hash", "voucher", "vouchee", "level", "issuedAt", "expiresAt"],
  additionalProperties: false,
  properties: {
    hash: hashSchema,
    voucher: didSchema,
    vouchee: didSchema,
    level: { type: "integer", minimum: 1, maximum: 4 },
    issuedAt: { type: "integer" },
    expiresAt: { type: "integer" },
  },
} as const;

/** `POST /v1/vouches` body and answer. */
export const vouchBodySchema = {
  type: "object",
  required: ["vouch"],
  additionalProperties: false,
  properties: { vouch: { ...compactJwsSchema, maxLength: 4096, description: "ants-vouch+jwt" } },
} as const;

export const vouchAnswerSchema = {
  type: "object",
  required: ["vouch", "created"],
  additionalProperties: false,
  properties: { vouch: vouchSchema, created: { type: "boolean" } },
} as const;

/** `POST /v1/outcomes` body and answer. */
export const outcomeBodySchema = {
  type: "object",
  required: ["outcome"],
  additionalProperties: false,
  properties: {
    outcome: { ...compactJwsSchema, maxLength: 4096, description: "ants-outcome+jwt" },
  },
} as const;

export const outcomeAnswerSchema = {
  type: "object",
  required: ["counted", "weight"],
  additionalProperties: false,
  properties: {
    counted: { type: "boolean", description: "false: the reporter's weight is 0 (L0)" },
    weight: { type: "number", description: "the report's weight, fixed when received" },
  },
} as const;

/** `POST /v1/heartbeats` answer. */
export const heartbeatAnswerSchema = {
  type: "object",
  required: ["agent", "instance", "slot", "covered", "uptime"],
  additionalProperties: false,
  properties: {
    agent: didSchema,
    instance: { type: "string" },
    slot: { type: "integer" },
    covered: { type: "boolean", description: "true when this heartbeat covered a new slot" },
    uptime: {
      type: "object",
      required: ["value", "covered", "slots"],
      additionalProperties: false,
      properties: {
        value: { type: "number" },
        covered: { type: "integer" },
        slots: { type: "integer" },
      },
    },
  },
} as const;

/** `POST /v1/agents/{id}/stake` body and answer. */
export const stakeBodySchema = {
  type: "object",
  required: ["action", "amount"],
  additionalProperties: false,
  properties: {
    action: { type: "string", enum: ["set", "slash"] },
    amount: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    reason: { type: "string", maxLength: 256 },
  },
} as const;

export const stakeAnswerSchema = {
  type: "object",
  required: ["agent", "stake", "level"],
  additionalProperties: false,
  properties: {
    agent: didSchema,
    stake: { type: "integer" },
    level: { type: "integer", minimum: 0, maximum: 4 },
  },
} as const;

const gateSchema = {
  type: "object",
  required: ["gate", "level", "value", "thresholds", "next", "raise", "detail"],
  additionalProperties: false,
  properties: {
    gate: { type: "string", enum: ["evidence", "uptime", "vouch", "stake", "age", "behaviour"] },
    level: { type: "integer" },
    value: { type: "number" },
    thresholds: { type: "array", items: { type: "number" } },
    next: {
      anyOf: [
        {
          type: "object",
          required: ["level", "threshold"],
          additionalProperties: false,
          properties: { level: { type: "integer" }, threshold: { type: "number" } },
        },
        { type: "null" },
      ],
    },
    raise: { anyOf: [{ type: "string" }, { type: "null" }] },
    detail: { type: "object", additionalProperties: true },
  },
} as const;

/** `GET /v1/agents/{id}/trust` answer (docs/spec/trust.md 6). */
export const trustExplanationSchema = {
  type: "object",
  required: [
    "agent",
    "level",
    "target",
    "formula",
    "computedAt",
    "nextUpgradeAt",
    "pinned",
    "seed",
    "hold",
    "loginDemandedAt",
    "limitedBy",
    "gates",
  ],
  additionalProperties: false,
  properties: {
    agent: didSchema,
    level: { type: "integer", minimum: 0, maximum: 4 },
    target: { type: "integer", minimum: 0, maximum: 4 },
    formula: { type: "integer" },
    computedAt: { type: "integer" },
    nextUpgradeAt: { anyOf: [{ type: "integer" }, { type: "null" }] },
    pinned: { anyOf: [{ type: "integer" }, { type: "null" }] },
    seed: { type: "boolean" },
    hold: {
      anyOf: [
        {
          type: "object",
          required: ["reason", "until"],
          additionalProperties: false,
          properties: { reason: { type: "string" }, until: { type: "integer" } },
        },
        { type: "null" },
      ],
    },
    loginDemandedAt: { anyOf: [{ type: "integer" }, { type: "null" }] },
    limitedBy: { type: "array", items: { type: "string" } },
    gates: { type: "array", items: gateSchema },
  },
} as const;

/** `{id}` of the agent routes. */
export const agentIdParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: didSchema },
} as const;
