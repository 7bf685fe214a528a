import type { FastifyInstance } from "fastify";
import { buildRelay, type RelayOptions } from "./build-relay.ts";

/** Options for {@link startRelay}: the app's options plus where to listen. */
export interface StartRelayOptions extends RelayOptions {
  /** TCP port; 0 picks a free one. Default 7777. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1 (loopback only; expose through a proxy). */
  host?: string;
}

/** A listening relay. */
export interface RunningRelay {
  /** The URL the relay listens on, e.g. `http://127.0.0.1:7777`. */
  url: string;
  app: FastifyInstance;
  /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
  close(): Promise<void>;
}

/** The default port of `ants relay start`. */
export const DEFAULT_RELAY_PORT = 7777;

/**
 * Builds the relay and listens.
 *
 * @example
 * const relay = await startRelay({ port: 0, logger: { level: "silent" } });
 * await fetch(`${relay.url}/healthz`);
 * await relay.close();
 */
export async function startRelay(options: StartRelayOptions = {}): Promise<RunningRelay> {
  const app = await buildRelay(options);
  const host = options.host ?? "127.0.0.1";
  await app.listen({ port: options.port ?? DEFAULT_RELAY_PORT, host });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (options.publicUrl === undefined) app.relay.publicUrl = url;
  let closed: Promise<void> | undefined;
  return {
    url,
    app,
    close: () => {
      closed ??= app.close();
      return closed;
    },
  };
}
