import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type DestinationStream, type Logger, pino } from "pino";

/** Options for the relay's logger. */
export interface RelayLoggerOptions {
  /** pino level; "silent" turns logging off. Default "info". */
  level?: string;
  /** Where log lines go. Default: standard output. */
  destination?: DestinationStream;
}

// Belt and braces: the request line below is allow-listed, but anything that ever logs a
// request or reply object by mistake still must not leak credentials (STYLE.md, Logging).
const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.dpop",
  "headers.authorization",
  "headers.dpop",
  "*.token",
  "*.passphrase",
  "*.seed",
];

/** Paths longer than this are cut in the log; they are never needed whole to diagnose. */
const MAX_LOGGED_PATH = 200;

/**
 * Creates the relay's structured JSON logger (pino), named "relay".
 *
 * @example
 * const log = createRelayLogger({ level: "warn" });
 */
export function createRelayLogger(options: RelayLoggerOptions = {}): Logger {
  const pinoOptions = {
    name: "relay",
    level: options.level ?? "info",
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

/**
 * Logs one line per answered request with the allow-listed fields only: method, path without
 * query, status, duration. 4xx at info, 5xx at error (STYLE.md, Logging). Bodies, headers,
 * tokens and keys are never logged.
 *
 * @example
 * registerRequestLogging(app);
 */
export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook("onResponse", async (request: FastifyRequest, reply: FastifyReply) => {
    const line = {
      method: request.method,
      path: pathWithoutQuery(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 1000) / 1000,
    };
    if (reply.statusCode >= 500) request.log.error(line, "request failed");
    else request.log.info(line, "request answered");
  });
}

function pathWithoutQuery(url: string): string {
  const end = url.indexOf("?");
  const path = end === -1 ? url : url.slice(0, end);
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}...` : path;
}
