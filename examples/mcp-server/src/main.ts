// Runs the example MCP server: `node examples/mcp-server/bin/mcp-server.js --relay URL
// [--port 4100] [--host 127.0.0.1] [--public-url URL]`. Prints "listening on URL" on stderr.
import { parseArgs } from "node:util";
import { RevocationFeed } from "@ants/client";
import { serve } from "@hono/node-server";
import { buildMcpApp, MCP_PATH } from "./mcp-server.ts";

const { values } = parseArgs({
  options: {
    relay: { type: "string" },
    port: { type: "string", default: "4100" },
    host: { type: "string", default: "127.0.0.1" },
    "public-url": { type: "string" },
  },
});
const relayUrl = values.relay ?? process.env.ANTS_RELAY;
if (relayUrl === undefined) {
  process.stderr.write("mcp-server: --relay URL (or ANTS_RELAY) is required\n");
  process.exit(2);
}

const feed = await RevocationFeed.follow({
  relay: relayUrl,
  onError: (error) => process.stderr.write(`mcp-server: revocation feed: ${String(error)}\n`),
});
// The public URL is the tokens' audience, so it must be known before the first request; with
// --port 0 the listening port decides it, and the app is built once the socket is bound.
let app: ReturnType<typeof buildMcpApp> | undefined;
const server = serve(
  {
    fetch: (request) => app?.fetch(request) ?? new Response(null, { status: 503 }),
    port: Number(values.port),
    hostname: values.host,
  },
  (info) => {
    const publicUrl = values["public-url"] ?? `http://${values.host}:${info.port}`;
    app = buildMcpApp({ relayUrl, publicUrl, revocations: feed });
    process.stderr.write(
      `mcp-server: listening on ${publicUrl}${MCP_PATH}, trusting ${relayUrl}\n`,
    );
  },
);
const stop = () => {
  server.close();
  void feed.close();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
