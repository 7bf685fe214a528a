import { compactJwsSchema, didSchema, hashSchema } from "./common-schemas.ts";

/** A handle as typed in a URL or a body; `normalizeHandle` checks the rest. */
export const handleInputSchema = {
  type: "string",
  minLength: 1,
  maxLength: 128,
  description: "a handle without @, in any spelling that NFKC and lower case make canonical",
} as const;

/** `{name}` in a handle path. */
export const handleParamsSchema = {
  type: "object",
  required: ["name"],
  additionalProperties: false,
  properties: { name: handleInputSchema },
} as const;

/** A challenge as issued and echoed back (docs/spec/handles.md section 3). */
export const handleChallengeSchema = {
  type: "object",
  required: ["handle", "agent", "difficulty", "expiresAt", "seed"],
  additionalProperties: false,
  properties: {
    handle: { type: "string", maxLength: 32 },
    agent: didSchema,
    difficulty: { type: "integer", description: "expected SHA-256 evaluations" },
    expiresAt: { type: "integer" },
    seed: { type: "string", minLength: 64, maxLength: 64 },
  },
} as const;

/** A proof-of-work solution (docs/spec/handles.md 4.4). */
export const handleSolutionSchema = {
  type: "object",
  required: ["nonces"],
  additionalProperties: false,
  properties: {
    nonces: { type: "string", minLength: 342, maxLength: 342 },
    memo: { type: "string", minLength: 43, maxLength: 43 },
  },
} as const;

/** A handle statement (`ants-handle+jwt`), the request's signed intent and proof. */
export const statementSchema = {
  ...compactJwsSchema,
  maxLength: 4096,
  description: "ants-handle+jwt signed by the session key",
} as const;

/** A body carrying only a statement. */
export const statementBodySchema = {
  type: "object",
  required: ["statement"],
  additionalProperties: false,
  properties: { statement: statementSchema },
} as const;

/** The answer to a resolve, a claim and an accepted transfer. */
export const resolvedHandleSchema = {
  type: "object",
  required: ["handle", "agent", "since", "relay", "origin", "binding"],
  additionalProperties: false,
  properties: {
    handle: { type: "string" },
    agent: didSchema,
    since: { type: "integer" },
    relay: didSchema,
    origin: { type: "string" },
    binding: { type: "string", description: "ants-handle-binding+jwt signed by the relay" },
  },
} as const;

/** A pending transfer. */
export const offerSchema = {
  type: "object",
  required: ["handle", "holder", "to", "offer", "statement", "expiresAt"],
  additionalProperties: false,
  properties: {
    handle: { type: "string" },
    holder: didSchema,
    to: didSchema,
    offer: { ...hashSchema, description: "token hash of the holder's transfer statement" },
    statement: { type: "string", description: "the holder's transfer statement" },
    expiresAt: { type: "integer" },
  },
} as const;

/** The answer to `POST /v1/handles/challenge`. */
export const issuedChallengeSchema = {
  type: "object",
  required: ["challenge", "difficulty"],
  additionalProperties: false,
  properties: {
    challenge: handleChallengeSchema,
    difficulty: {
      type: "object",
      required: ["expectedHashes", "lengthFactor", "rateFactor", "memoryHard", "recentClaims"],
      additionalProperties: false,
      properties: {
        expectedHashes: { type: "integer" },
        lengthFactor: { type: "number" },
        rateFactor: { type: "number" },
        memoryHard: { type: "boolean" },
        recentClaims: { type: "integer" },
      },
    },
  },
} as const;

/** The answer to a release or a revocation. */
export const endedHandleSchema = {
  type: "object",
  required: ["handle", "holder", "quarantineUntil"],
  additionalProperties: false,
  properties: {
    handle: { type: "string" },
    holder: didSchema,
    quarantineUntil: { type: "integer" },
    revocation: { type: "integer", description: "sequence number in the revocation log" },
  },
} as const;
