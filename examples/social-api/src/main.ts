// Runs the example social API: `node examples/social-api/bin/social-api.js --relay URL
// [--port 4000] [--host 127.0.0.1] [--public-url URL]`. Prints "listening on URL" on stderr.
import { parseArgs } from "node:util";
import { buildSocialApi } from "./social-api.ts";

const { values } = parseArgs({
  options: {
    relay: { type: "string" },
    port: { type: "string", default: "4000" },
    host: { type: "string", default: "127.0.0.1" },
    "public-url": { type: "string" },
  },
});
const relayUrl = values.relay ?? process.env.ANTS_RELAY;
if (relayUrl === undefined) {
  process.stderr.write("social-api: --relay URL (or ANTS_RELAY) is required\n");
  process.exit(2);
}

// The public URL must be known before listening when port 0 picks one, so bind first.
const probe = buildSocialApi({ relayUrl, publicUrl: "http://placeholder" });
await probe.listen({ port: Number(values.port), host: values.host });
const address = probe.server.address();
const port = typeof address === "object" && address !== null ? address.port : Number(values.port);
await probe.close();

const publicUrl = values["public-url"] ?? `http://${values.host}:${port}`;
const api = buildSocialApi({ relayUrl, publicUrl });
await api.listen({ port, host: values.host });
process.stderr.write(`social-api: listening on ${publicUrl}, trusting ${relayUrl}\n`);
const stop = () => void api.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
