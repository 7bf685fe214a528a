import { AccessGuard, fastifyAccess } from "@ants/client";
import Fastify, { type FastifyInstance } from "fastify";

/** Options for {@link buildSocialApi}. */
export interface SocialApiOptions {
  /** The relay whose access tokens this API accepts (its origin, the tokens' `iss`). */
  relayUrl: string;
  /** This API's public URL: the tokens' `aud`, and the base of every proof's `htu`. */
  publicUrl: string;
  /** Clock, Unix seconds. Default the system clock. */
  now?: () => number;
}

/** A message on the example social network. */
export interface Message {
  id: number;
  kind: "draft" | "post";
  text: string;
  /** The agent that acted, and on whose behalf. */
  author: string;
  principal: string;
  /** The relay's audit entry for the decision that allowed it. */
  auditIndex: number;
}

const textBody = {
  type: "object",
  required: ["text"],
  additionalProperties: false,
  properties: { text: { type: "string", minLength: 1, maxLength: 280 } },
} as const;

/**
 * A tiny "post a message" API that trusts one relay: every write needs a relay-minted access
 * token for the exact command and arguments, bound to the caller's session key (checked by the
 * `@ants/client` access guard). Reads are public.
 *
 * @example
 * const api = buildSocialApi({ relayUrl: "http://127.0.0.1:7777", publicUrl: "http://127.0.0.1:4000" });
 * await api.listen({ port: 4000 });
 */
export function buildSocialApi(options: SocialApiOptions): FastifyInstance {
  const app = Fastify();
  const guard = new AccessGuard({
    issuer: options.relayUrl.replace(/\/+$/, ""),
    audience: options.publicUrl.replace(/\/+$/, ""),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const messages: Message[] = [];
  const write = (kind: Message["kind"]) => async (request: { body: unknown; access?: unknown }) => {
    const access = request.access as { client_id: string; sub: string; audit_index: number };
    const message: Message = {
      id: messages.length + 1,
      kind,
      text: (request.body as { text: string }).text,
      author: access.client_id,
      principal: access.sub,
      auditIndex: access.audit_index,
    };
    messages.push(message);
    return message;
  };

  app.post(
    "/drafts",
    { schema: { body: textBody }, preHandler: fastifyAccess(guard, { cmd: "/social/draft" }) },
    write("draft"),
  );
  app.post(
    "/posts",
    { schema: { body: textBody }, preHandler: fastifyAccess(guard, { cmd: "/social/post" }) },
    write("post"),
  );
  app.delete<{ Params: { id: string } }>(
    "/posts/:id",
    {
      preHandler: fastifyAccess(guard, {
        cmd: "/social/delete",
        args: (request) => (request as { params?: unknown }).params,
      }),
    },
    async (request) => {
      const index = messages.findIndex((message) => String(message.id) === request.params.id);
      return { deleted: index === -1 ? 0 : messages.splice(index, 1).length };
    },
  );
  app.get("/posts", async () => ({ posts: messages.filter((message) => message.kind === "post") }));
  app.get("/drafts", async () => ({
    drafts: messages.filter((message) => message.kind === "draft"),
  }));
  return app;
}
