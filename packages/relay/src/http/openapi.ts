import swagger from "@fastify/swagger";
import type { FastifyInstance } from "fastify";

/**
 * Registers OpenAPI 3.1 generation from the route schemas themselves, so the document served at
 * `/openapi.json` can never drift from what the relay validates. Call before adding routes.
 *
 * @example
 * await registerOpenApi(app, { version: "0.1.0" });
 */
export async function registerOpenApi(
  app: FastifyInstance,
  options: { version: string; publicUrl?: string },
): Promise<void> {
  await app.register(swagger, {
    // Name shared schemas by their $id in components, rather than def-0, def-1...
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`),
    },
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "ANTS IAM relay",
        description:
          "Identity and access management for autonomous agents. Errors are RFC 9457 problem " +
          "details with a stable `code`; times are Unix seconds.",
        version: options.version,
      },
      ...(options.publicUrl ? { servers: [{ url: options.publicUrl }] } : {}),
      components: {
        securitySchemes: {
          session: {
            type: "http",
            scheme: "DPoP",
            description:
              "A relay session token (typ ants-session+jwt) in `Authorization: DPoP <token>`, " +
              "with an RFC 9449 proof signed by the session key in the `DPoP` header. The " +
              "proof's `nonce` claim carries the latest `DPoP-Nonce` response header of the " +
              "relay instance (every answer has one); a missing or stale nonce is 401 " +
              'ERR_DPOP_NONCE_REQUIRED with `WWW-Authenticate: DPoP error="use_dpop_nonce"`.',
          },
        },
      },
    },
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
