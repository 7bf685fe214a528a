// Runs the example MCP agent once: `node examples/mcp-agent/bin/mcp-agent.js --relay URL
// --server URL [--keystore FILE] [--scope /mcp/tools]`. The passphrase comes from
// ANTS_PASSPHRASE_FILE, ANTS_PASSPHRASE or a prompt. Lists the tools, calls `whoami` and
// `add`, and prints what the server answered as JSON.
import { parseArgs } from "node:util";
import { AntsOAuthClientProvider, antsHome, keystorePath, resolvePassphrase } from "@ants/client";
import { connectMcpAgent } from "./mcp-agent.ts";

const { values } = parseArgs({
  options: {
    relay: { type: "string" },
    server: { type: "string" },
    keystore: { type: "string" },
    scope: { type: "string", default: "/mcp/tools" },
  },
});
const relayUrl = values.relay ?? process.env.ANTS_RELAY;
if (relayUrl === undefined || values.server === undefined) {
  process.stderr.write("mcp-agent: --relay URL (or ANTS_RELAY) and --server URL are required\n");
  process.exit(2);
}

const provider = await AntsOAuthClientProvider.fromKeystore({
  keystore: values.keystore ?? (await keystorePath(antsHome())),
  passphrase: await resolvePassphrase(),
  issuer: relayUrl,
  scope: values.scope,
});
const client = await connectMcpAgent(values.server, provider);
try {
  const { tools } = await client.listTools();
  const whoami = await client.callTool({ name: "whoami" });
  const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
  const report = {
    tools: tools.map((tool) => tool.name),
    whoami: whoami.structuredContent,
    add: sum.content,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await client.close();
}
