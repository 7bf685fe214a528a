import type { FastifyInstance } from "fastify";
import type { RevocationFanout } from "./revocation-fanout.ts";

/** Requests a stale instance still serves: submitting a revocation only writes to the store. */
const ALWAYS_SERVED = new Set(["POST /v1/revocations"]);

/**
 * Refuses every decision while the instance cannot confirm it holds every revocation: each POST
 * under /v1/ (authorize, logins, approvals, handles, trust statements) and the pending-decision
 * reads answer ERR_REVOCATION_STALE (503) before any work. Reads of public data (discovery, log,
 * revocation feed with its sequence number) are still served; `/healthz` says stale on its own.
 *
 * @example
 * registerFreshnessGuard(app, fanout);
 */
export function registerFreshnessGuard(app: FastifyInstance, fanout: RevocationFanout): void {
  app.addHook("onRequest", async (request) => {
    const path = request.url.split("?", 1)[0]!;
    if (!path.startsWith("/v1/")) return;
    const decides = request.method === "POST" || path.startsWith("/v1/authorize/");
    if (!decides || ALWAYS_SERVED.has(`${request.method} ${path}`)) return;
    fanout.assertCurrent();
  });
}
