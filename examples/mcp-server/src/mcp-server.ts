import {
  type AntsAuthInfo,
  type AntsHonoEnv,
  honoOAuth,
  OAuthResourceGuard,
  type OAuthResourceOptions,
  PROTECTED_RESOURCE_METADATA_PATH,
} from "@ants/client";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import { z } from "zod";

/** The command a token must cover to use this server's tools (docs/oauth.md section 3). */
export const MCP_TOOLS_SCOPE = "/mcp/tools";
/** Where the MCP endpoint lives under the server's public URL. */
export const MCP_PATH = "/mcp";

/** Options for {@link buildMcpApp}. */
export interface McpAppOptions {
  /** The relay whose tokens this server accepts (its issuer URL). */
  relayUrl: string;
  /** This server's public URL: the tokens' `aud`, and the base of every proof's `htu`. */
  publicUrl: string;
  /** A followed `RevocationFeed`, so a revoked agent is refused on its next call. */
  revocations?: OAuthResourceOptions["revocations"];
  /** Key source for the relay's tokens; default the relay's JWKS. */
  jwks?: OAuthResourceOptions["jwks"];
}

/**
 * The example MCP server: Streamable HTTP at `/mcp` (stateless, JSON answers) behind
 * `honoOAuth`, and RFC 9728 metadata at `/.well-known/oauth-protected-resource` naming the relay.
 * Every MCP request, `initialize` and `tools/list` included, needs a DPoP-bound token covering
 * `/mcp/tools`.
 *
 * @example
 * const app = buildMcpApp({ relayUrl, publicUrl: "http://127.0.0.1:4100", revocations: feed });
 * serve({ fetch: app.fetch, port: 4100 });
 */
export function buildMcpApp(options: McpAppOptions): Hono<AntsHonoEnv> {
  const guard = new OAuthResourceGuard({
    issuer: options.relayUrl,
    resource: options.publicUrl,
    ...(options.revocations === undefined ? {} : { revocations: options.revocations }),
    ...(options.jwks === undefined ? {} : { jwks: options.jwks }),
  });
  const app = new Hono<AntsHonoEnv>();
  app.get(PROTECTED_RESOURCE_METADATA_PATH, (c) => c.json(guard.metadata()));
  app.all(MCP_PATH, honoOAuth(guard, { scope: MCP_TOOLS_SCOPE }), async (c) => {
    // Stateless: one server and transport per request, as the SDK advises without sessions.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await toolServer().connect(transport);
    return transport.handleRequest(c.req.raw, { authInfo: c.get("auth") });
  });
  return app;
}

function toolServer(): McpServer {
  const server = new McpServer({ name: "ants-example-mcp-server", version: "0.1.0" });
  server.registerTool(
    "add",
    {
      description: "Adds two numbers.",
      inputSchema: { a: z.number(), b: z.number() },
    },
    async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
  );
  server.registerTool(
    "whoami",
    {
      description: "Says who is calling: the agent, on whose behalf, and the relay's audit entry.",
    },
    async (extra) => {
      const caller = extra.authInfo as AntsAuthInfo;
      const facts = {
        agent: caller.clientId,
        principal: caller.extra.principal,
        actors: caller.extra.actors,
        command: caller.extra.command,
        auditIndex: caller.extra.auditIndex,
      };
      return {
        content: [{ type: "text", text: JSON.stringify(facts) }],
        structuredContent: facts,
      };
    },
  );
  return server;
}
