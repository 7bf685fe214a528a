import { createHmac, randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";

/** Length of one nonce window in seconds; a nonce is accepted in its window and the next. */
export const DPOP_NONCE_WINDOW_SECONDS = 60;
const MAC_BYTES = 16;

/**
 * Server-provided DPoP nonces (RFC 9449 section 8; docs/spec/sessions.md 5.1). A nonce names this
 * relay process and a time window: `<instance>.<window>.<mac>`, the MAC keyed by a secret drawn
 * at start and never stored. A proof is accepted only with a nonce of this process from the
 * current or the previous window, so a proof accepted here is refused by every other instance
 * and by this one after a restart, and the accepted `jti`s need to be remembered only in memory,
 * for two windows.
 *
 * @example
 * const nonces = new DpopNonces();
 * const nonce = nonces.current(now);
 * nonces.accepts(nonce, now); // true until two windows have passed
 */
export class DpopNonces {
  /** This process's name in its nonces: 96 random bits, base64url. */
  readonly instance = randomBytes(12).toString("base64url");
  readonly #secret = randomBytes(32);
  // The nonces of the last two windows asked for, by window.
  readonly #byWindow = new Map<number, string>();

  /** The nonce to hand out now; the same string for a whole window. */
  current(now: number): string {
    return this.#nonceOf(windowOf(now));
  }

  /** Whether `nonce` was issued by this process in the current or the previous window. */
  accepts(nonce: string | undefined, now: number): boolean {
    if (nonce === undefined) return false;
    const window = windowOf(now);
    // Nonces are public (every answer carries one): a plain comparison leaks nothing.
    return nonce === this.#nonceOf(window) || nonce === this.#nonceOf(window - 1);
  }

  #nonceOf(window: number): string {
    let nonce = this.#byWindow.get(window);
    if (nonce === undefined) {
      const mac = createHmac("sha256", this.#secret)
        .update(`${this.instance}.${window}`)
        .digest()
        .subarray(0, MAC_BYTES);
      nonce = `${this.instance}.${window}.${mac.toString("base64url")}`;
      if (this.#byWindow.size >= 4) this.#byWindow.clear();
      this.#byWindow.set(window, nonce);
    }
    return nonce;
  }
}

function windowOf(now: number): number {
  return Math.floor(now / DPOP_NONCE_WINDOW_SECONDS);
}

const NONCE_CHALLENGED = new WeakSet<FastifyRequest>();

/** Marks a request refused for its nonce, so its answer carries RFC 9449's `use_dpop_nonce`. */
export function markNonceChallenge(request: FastifyRequest): void {
  NONCE_CHALLENGED.add(request);
}

/**
 * Every answer carries the current nonce in `DPoP-Nonce` (RFC 9449 section 8.2), so a client
 * learns the next one before its own expires; an answer refusing a proof for its nonce also
 * carries `WWW-Authenticate: DPoP error="use_dpop_nonce"` (section 9).
 *
 * @example
 * registerDpopNonceHeader(app, context);
 */
export function registerDpopNonceHeader(
  app: FastifyInstance,
  { dpopNonces, now }: { dpopNonces: DpopNonces; now: () => number },
): void {
  app.addHook("onSend", async (request, reply) => {
    reply.header("dpop-nonce", dpopNonces.current(now()));
    if (NONCE_CHALLENGED.has(request)) {
      reply.header(
        "www-authenticate",
        'DPoP error="use_dpop_nonce", error_description="a proof must carry the DPoP-Nonce of this relay"',
      );
    }
  });
}
