import { formatVerifierKey } from "@ants/protocol";
import type { FastifyInstance } from "fastify";
import { didSchema, errorResponses } from "../schemas/common-schemas.ts";

const jwkSchema = {
  type: "object",
  required: ["kty", "crv", "x", "kid", "alg", "use"],
  additionalProperties: false,
  properties: {
    kty: { type: "string", const: "OKP" },
    crv: { type: "string", const: "Ed25519" },
    x: { type: "string" },
    kid: { type: "string" },
    alg: { type: "string", const: "EdDSA" },
    use: { type: "string", const: "sig" },
  },
} as const;

const ENDPOINTS = {
  agents: "/v1/agents",
  sessionChallenge: "/v1/sessions/challenge",
  sessions: "/v1/sessions",
  authorize: "/v1/authorize",
  approvals: "/v1/approvals",
  jwks: "/.well-known/jwks.json",
  openapi: "/openapi.json",
  health: "/healthz",
  metrics: "/metrics",
  log: "/v1/log",
} as const;

/**
 * The relay's origin string for its audit log checkpoints (C2SP tlog-checkpoint origin line):
 * the public URL without its scheme, plus `/v1/log`.
 *
 * @example
 * logOriginFor("https://relay.example.com"); // "relay.example.com/v1/log"
 */
export function logOriginFor(publicUrl: string): string {
  return `${publicUrl.replace(/^https?:\/\//, "")}/v1/log`;
}

/**
 * `GET /.well-known/ants-relay` (the relay's DID, keys, origin, endpoints and log origin) and
 * `GET /.well-known/jwks.json` (RFC 7517 key set, so any JWT library verifies access tokens).
 *
 * @example
 * registerWellKnownRoutes(app);
 */
export function registerWellKnownRoutes(app: FastifyInstance): void {
  // The signing key first, then former keys still in their overlap (ants relay rotate-key).
  const publicJwks = () =>
    [app.relay.identity.jwk, ...(app.relay.identity.retired ?? []).map((key) => key.jwk)].map(
      (jwk) => ({ ...jwk, alg: "EdDSA", use: "sig" }),
    );
  const formerVerifierKeys = (origin: string) =>
    (app.relay.identity.retired ?? []).map((key) => formatVerifierKey(origin, key.publicKey));

  app.get(
    "/.well-known/ants-relay",
    {
      schema: {
        summary: "The relay's identity, keys and endpoints",
        tags: ["discovery"],
        response: {
          200: {
            type: "object",
            required: [
              "did",
              "origin",
              "keys",
              "endpoints",
              "logOrigin",
              "logVerifierKey",
              "logVerifierKeys",
            ],
            additionalProperties: false,
            properties: {
              did: didSchema,
              origin: { type: "string", description: "The relay's public URL." },
              keys: { type: "array", items: jwkSchema },
              endpoints: {
                type: "object",
                additionalProperties: false,
                required: Object.keys(ENDPOINTS),
                properties: Object.fromEntries(
                  Object.keys(ENDPOINTS).map((name) => [name, { type: "string" }]),
                ),
              },
              logOrigin: { type: "string", description: "Origin line of log checkpoints." },
              logVerifierKey: {
                type: "string",
                description: "C2SP signed-note verifier key of the log's checkpoints.",
              },
              logVerifierKeys: {
                type: "array",
                items: { type: "string" },
                description:
                  "Verifier keys of the current and of each former relay key still in its overlap.",
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const base = app.relay.publicUrl;
      return {
        did: app.relay.identity.did,
        origin: base,
        keys: publicJwks(),
        endpoints: Object.fromEntries(
          Object.entries(ENDPOINTS).map(([name, path]) => [name, base + path]),
        ),
        logOrigin: logOriginFor(base),
        logVerifierKey: app.relay.auditLog.verifierKey(),
        logVerifierKeys: [
          app.relay.auditLog.verifierKey(),
          ...formerVerifierKeys(logOriginFor(base)),
        ],
      };
    },
  );

  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        summary: "The relay's signing keys (RFC 7517)",
        tags: ["discovery"],
        response: {
          200: {
            type: "object",
            required: ["keys"],
            additionalProperties: false,
            properties: { keys: { type: "array", items: jwkSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (_request, reply) => {
      // Keys change only on rotation; a short cache spares resource servers a fetch per token.
      reply.header("cache-control", "public, max-age=300");
      return { keys: publicJwks() };
    },
  );
}
