import { ACCESS_TOKEN_TYP, parseCompactJws, verifyJwsSignature } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { relayKeyFor } from "../identity/relay-identity.ts";

const MAX_TOKEN_BYTES = 16 * 1024;

/**
 * Access tokens revoked at `POST /oauth/revoke` (RFC 7009), by `jti` until their `exp`. Held by
 * the instance that took the request (docs/oauth.md section 8); memory is bounded by the tokens'
 * five-minute lifetime.
 *
 * @example
 * const revoked = new RevokedTokens();
 * revoked.revoke("jti", exp);
 * revoked.has("jti", now); // true until exp
 */
export class RevokedTokens {
  readonly #byJti = new Map<string, number>();

  /** Remembers `jti` until `exp`. */
  revoke(jti: string, exp: number): void {
    this.#byJti.set(jti, exp);
  }

  /** True when `jti` was revoked and has not expired yet. */
  has(jti: string, now: number): boolean {
    for (const [id, exp] of this.#byJti) if (exp <= now) this.#byJti.delete(id);
    return this.#byJti.has(jti);
  }
}

/**
 * Reads an access token this relay issued and that is active now: valid signature under the
 * relay's key, `typ` at+jwt, `iss` this relay, not expired, not revoked here. Returns its claims,
 * or undefined for anything else (RFC 7662 section 2.2 answers all of those `active: false`).
 *
 * @example
 * const claims = readActiveToken(context, token, revoked, now);
 */
export function readActiveToken(
  context: RelayContext,
  token: string,
  revoked: RevokedTokens,
  now: number,
): Record<string, unknown> | undefined {
  try {
    const jws = parseCompactJws(token, { typ: ACCESS_TOKEN_TYP, maxBytes: MAX_TOKEN_BYTES });
    const key = relayKeyFor(context.identity, jws.kid);
    if (key === undefined) return undefined;
    verifyJwsSignature(jws, key);
    const { iss, exp, jti } = jws.payload;
    if (iss !== context.publicUrl || typeof exp !== "number" || exp <= now) return undefined;
    if (typeof jti !== "string" || revoked.has(jti, now)) return undefined;
    return { ...jws.payload };
  } catch {
    // Whatever is wrong with it, the answer is the same: not active.
    return undefined;
  }
}
