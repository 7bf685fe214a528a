import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { answerClientError, answerFrameworkError } from "../http/client-errors.ts";
import { registerErrorHandler } from "../http/error-handler.ts";
import {
  DEFAULT_PRE_AUTH_FAILURES_PER_MINUTE,
  registerFailureLimit,
} from "../http/failure-limit.ts";
import { registerJsonBody } from "../http/json-body.ts";
import {
  createRelayLogger,
  type RelayLoggerOptions,
  registerRequestLogging,
} from "../http/logging.ts";
import { recordRouteMethods } from "../http/method-table.ts";
import { registerMetrics } from "../http/metrics.ts";
import { registerOpenApi } from "../http/openapi.ts";
import "../http/request-context.ts";
import type { HandleOptions } from "../handles/handle-policy.ts";
import { registerRequestEncoding } from "../http/request-encoding.ts";
import type { RelayIdentity } from "../identity/relay-identity.ts";
import type { ClientDocumentOptions } from "../oauth/client-documents.ts";
import type { RelayPolicy } from "../policy/relay-policy.ts";
import { registerFreshnessGuard } from "../revocation/freshness-guard.ts";
import { RevocationFanout } from "../revocation/revocation-fanout.ts";
import type { RevocationOptions } from "../revocation/revocation-services.ts";
import { registerAgentRoutes } from "../routes/agent-routes.ts";
import { registerApprovalRoutes } from "../routes/approval-routes.ts";
import { registerAuthorizeRoutes } from "../routes/authorize-routes.ts";
import { registerHandleRoutes } from "../routes/handle-routes.ts";
import { registerHealthRoutes } from "../routes/health-routes.ts";
import { registerLogRoutes } from "../routes/log-routes.ts";
import { registerLoginRoutes } from "../routes/login-routes.ts";
import { registerOAuthRoutes } from "../routes/oauth-routes.ts";
import { registerRevocationRoutes } from "../routes/revocation-routes.ts";
import { registerSessionRoutes } from "../routes/session-routes.ts";
import { registerTrustRoutes } from "../routes/trust-routes.ts";
import { registerWellKnownRoutes } from "../routes/well-known-routes.ts";
import { registerCommonSchemas } from "../schemas/common-schemas.ts";
import { registerDpopNonceHeader } from "../sessions/dpop-nonces.ts";
import { isPostgresStore } from "../store/postgres/postgres-store.ts";
import type { RelayStore } from "../store/relay-store.ts";
import type { RelayTrustOptions } from "../trust/open-trust.ts";
import { createContext } from "./create-context.ts";
import type { RelayContext } from "./relay-context.ts";

/** Options for {@link buildRelay}. */
export interface RelayOptions {
  /** Directory for the database and the relay key. Required unless both store and identity are given. */
  dataDir?: string;
  /** The relay's public URL (`--public-url`); default: the URL it listens on. */
  publicUrl?: string;
  /** File holding the relay key's passphrase (`--passphrase-file`). */
  passphraseFile?: string;
  /** Test-only: a cheaper scrypt work factor for a new relay key. Its name says the risk. */
  insecureWorkFactorLog2ForTests?: number;
  /** A store to use instead of the SQLite file in dataDir. The relay closes it on close. */
  store?: RelayStore;
  /**
   * PostgreSQL connection string (`--database-url`, `ANTS_DATABASE_URL`): the store several relay
   * instances share (docs/operations.md). Default: the embedded SQLite file in dataDir.
   */
  databaseUrl?: string;
  /** An identity to use instead of the keystore in dataDir. */
  identity?: RelayIdentity;
  /** The clock, Unix seconds. Default: the system clock. */
  now?: () => number;
  /** Logger settings; default info level to standard output. */
  logger?: RelayLoggerOptions;
  /** Largest request body accepted, in bytes. Default 131072 (a full chain fits easily). */
  maxBodyBytes?: number;
  /** Collect Node process metrics (CPU, memory, event loop). Default true. */
  processMetrics?: boolean;
  /** Lifetime of new sessions in seconds, at most (and by default) 900. */
  sessionTtlSeconds?: number;
  /** Refusals before authentication allowed per client address per minute. Default 600. */
  preAuthFailuresPerMinute?: number;
  /** Command policy file (`--policy`): minimum trust level per command prefix. */
  policyFile?: string;
  /** A command policy to use instead of a file. Default: every command at level 0. */
  policy?: RelayPolicy;
  /** DIDs of the relay's operators, who may revoke anything (docs/spec/revocation.md 2.4). */
  operators?: readonly string[];
  /** Revocation settings: snapshot lifetime, stream heartbeat, store poll. */
  revocation?: RevocationOptions;
  /** Group commit of audit entries: fixed wait in ms (default 0: none) and batch size (512). */
  auditBatch?: { maxDelayMs?: number; maxBatch?: number };
  /** Handle registry settings: reserved names, operators, limits and periods. */
  handles?: HandleOptions;
  /** Trust formula v1's parameters: seeds, pinned levels, thresholds (docs/spec/trust.md 5). */
  trust?: RelayTrustOptions;
  /**
   * OAuth client ID metadata document fetches (docs/oauth.md 5.2): size cap, timeout, cache,
   * and the risky `allowPrivateAddresses` (`--allow-private-client-metadata`), off by default.
   */
  clientMetadata?: ClientDocumentOptions;
}
/** How often expired sessions are dropped from memory. */
const SESSION_SWEEP_MS = 60_000;

/** Default body cap: eight delegations at their 8 KiB cap plus a 64 KiB invocation fit. */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024;

/**
 * Ajv settings that never change a request behind the caller's back: no type coercion, no
 * stripping of unknown fields (the schemas refuse them instead), no defaults filled in.
 */
const STRICT_AJV = { coerceTypes: false, removeAdditional: false, useDefaults: false } as const;

/**
 * Builds the relay's HTTP application (Fastify 5) without listening: JSON-only bodies with a size
 * cap, strict schemas, RFC 9457 errors, allow-listed logging, metrics and OpenAPI, on the store
 * and identity in the data directory.
 *
 * @example
 * const app = await buildRelay({ dataDir: "/var/lib/ants", publicUrl: "https://relay.example" });
 * const res = await app.inject({ method: "GET", url: "/healthz" });
 */
export async function buildRelay(options: RelayOptions = {}): Promise<FastifyInstance> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = createRelayLogger(options.logger);
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    // Fastify's own request lines log the whole request; ours log allow-listed fields only.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "reqId" }),
    genReqId: () => randomUUID(),
    bodyLimit: maxBodyBytes,
    ajv: { customOptions: STRICT_AJV },
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  let closing = false;
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  const methods = recordRouteMethods(app);
  const metrics = registerMetrics(app, { processMetrics: options.processMetrics ?? true });
  registerRequestLogging(app);
  const limit = registerFailureLimit(app, {
    perMinute: options.preAuthFailuresPerMinute ?? DEFAULT_PRE_AUTH_FAILURES_PER_MINUTE,
  });
  registerErrorHandler(app, { metrics, recordFailure: limit.recordFailure, methods });
  registerRequestEncoding(app);
  registerJsonBody(app, { maxBodyBytes });
  registerCommonSchemas(app);
  await registerOpenApi(app, { version: "0.1.0" });

  const context = await createContext(options, log, metrics);
  app.decorate("relay", context);
  registerDpopNonceHeader(app, context);
  const fanout = await startFanout(context, options);
  if (fanout !== undefined) registerFreshnessGuard(app, fanout);
  const sweep = setInterval(() => {
    context.sessions.sweep(context.now());
    // Spent challenges and expired invocation claims leave the store (sessions.md 5.2, 5.3).
    context.challenges.sweep(context.now()).catch((error) => log.warn({ err: error }, "sweep"));
  }, SESSION_SWEEP_MS);
  sweep.unref();
  app.addHook("onClose", async () => {
    closing = true;
    clearInterval(sweep);
    await fanout?.close();
    await context.revocations.close();
    await context.trust.close();
    await context.firstSeen.flush();
    await context.audit.close();
    await context.handles.close();
    await context.store.close();
  });

  registerHealthRoutes(app, {
    metrics,
    isHealthy: () => !closing,
    assertReady: () => fanout?.assertCurrent(),
  });
  registerWellKnownRoutes(app);
  registerAgentRoutes(app);
  registerLoginRoutes(app);
  registerSessionRoutes(app);
  registerLogRoutes(app);
  registerAuthorizeRoutes(app);
  registerApprovalRoutes(app);
  registerRevocationRoutes(app);
  registerHandleRoutes(app);
  await registerOAuthRoutes(app, { clientMetadata: options.clientMetadata });
  registerTrustRoutes(app);
  return app;
}

/** On a shared PostgreSQL store, listens for other instances' revocations (revocation-fanout.ts). */
async function startFanout(
  context: RelayContext,
  options: RelayOptions,
): Promise<RevocationFanout | undefined> {
  if (!isPostgresStore(context.store)) return undefined;
  const log = context.log.child({ component: "revocation-fanout" });
  return RevocationFanout.start({
    store: context.store,
    revocations: context.revocations,
    staleAfterMs: options.revocation?.staleAfterMs,
    onError: (error) => log.debug({ err: error }, "revocation store unreachable"),
  });
}
