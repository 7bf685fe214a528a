/**
 * The two servers of bench/authorize-load.ts, each run in a process of its own so the load
 * generator never shares their core:
 *
 *   node --import tsx bench/authorize-load/servers.ts relay DATA_DIR [LOG_LEVEL]
 *   node --import tsx bench/authorize-load/servers.ts plain PUBLIC_KEY_BASE64URL
 *
 * `relay` is the real relay (SQLite, durable audit log, default settings). `plain` is a bare
 * Fastify server that verifies one EdDSA JWT per request with jose, the same fresh signature
 * work an authorize does. Each prints "listening on URL" on stderr.
 */
import { createPublicKey } from "node:crypto";
import { startRelay } from "@ants/relay";
import Fastify from "fastify";
import { jwtVerify } from "jose";

const [mode, argument, logLevel] = process.argv.slice(2);

if (mode === "relay") {
  const relay = await startRelay({
    port: 0,
    dataDir: argument!,
    logger: { level: logLevel ?? "info" },
    insecureWorkFactorLog2ForTests: 10,
  });
  process.stderr.write(`listening on ${relay.url}\n`);
  process.once("SIGTERM", () => void relay.close().then(() => process.exit(0)));
} else if (mode === "plain") {
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: argument! }, format: "jwk" });
  const app = Fastify();
  app.post<{ Body: { token: string } }>("/verify", async (request) => {
    const { payload } = await jwtVerify(request.body.token, key, { algorithms: ["EdDSA"] });
    return { ok: true, sub: payload.sub };
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  process.stderr.write(
    `listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}\n`,
  );
  process.once("SIGTERM", () => void app.close().then(() => process.exit(0)));
} else {
  process.stderr.write("usage: servers.ts relay DATA_DIR [LOG_LEVEL] | plain PUBLIC_KEY\n");
  process.exit(2);
}
