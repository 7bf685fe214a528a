import type { AntsOAuthClientProvider } from "@ants/client";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

/**
 * Connects an MCP client to `serverUrl` over Streamable HTTP, authorized by the agent's
 * provider: the SDK discovers the relay from the server's RFC 9728 metadata, gets a token with
 * client_credentials, and retries once with a fresh token when the server answers 401.
 *
 * @example
 * const provider = new AntsOAuthClientProvider({ issuer: relayUrl, agent, scope: "/mcp/tools" });
 * const client = await connectMcpAgent("http://127.0.0.1:4100/mcp", provider);
 * const { tools } = await client.listTools();
 */
export async function connectMcpAgent(
  serverUrl: string,
  provider: AntsOAuthClientProvider,
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(serverUrl), {
    authProvider: provider,
    // The SDK writes `Authorization: Bearer`; the provider's fetch sends the token as DPoP.
    fetch: provider.fetch,
  });
  const client = new Client({ name: "ants-example-mcp-agent", version: "0.1.0" });
  await client.connect(transport);
  return client;
}
