import { commandCovers, verifyDpopProof } from "@ants/protocol";
import type { JWTVerifyGetKey } from "jose";
import { ClientError, withClientErrors } from "../errors/client-error.ts";
import type { AccessTokenClaims } from "../resource/verify-access-token.ts";
import { actorsOf, type OAuthTokenClaims, verifyOAuthToken } from "./oauth-token-claims.ts";
import { type ResourceRefusal, refusalFor } from "./www-authenticate.ts";

/** RFC 9728 section 3: where protected-resource metadata lives. */
export const PROTECTED_RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource";
/** DPoP proofs are fresh within 60 s either side, so their `jti`s are kept 120 s. */
const PROOF_WINDOW_SECONDS = 120;

/** Options for {@link OAuthResourceGuard}. */
export interface OAuthResourceOptions {
  /** The relay's issuer URL (its `/.well-known/oauth-authorization-server` `issuer`). */
  issuer: string;
  /** This resource's identifier: the `resource` clients ask for, and the tokens' `aud`. */
  resource: string;
  /** Base URL `htu` is checked against (plus the request path). Default `resource`. */
  publicUrl?: string;
  /** Key source; default the relay's JWKS, fetched and cached by jose. */
  jwks?: JWTVerifyGetKey;
  /** A followed `RevocationFeed`: refuses revoked keys and fails closed when stale. */
  revocations?: { assertNotRevoked(claims: AccessTokenClaims, now?: number): void };
  /** Clock, Unix seconds. Default the system clock. */
  now?: () => number;
}

/**
 * The caller, shaped like the MCP TypeScript SDK's `AuthInfo` (token, clientId, scopes,
 * expiresAt, resource, extra), with the ANTS facts in `extra`.
 */
export interface AntsAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  /** Unix seconds. */
  expiresAt: number;
  resource: URL;
  extra: {
    /** On whose behalf the caller acts (`sub`). */
    principal: string;
    /** The actor chain, nearest first: the calling agent, then who instructed it. */
    actors: string[];
    /** The command the token grants. */
    command: string;
    /** The relay's audit entry for the issuance. */
    auditIndex: number;
    /** Thumbprint of the DPoP key the token is bound to. */
    jkt: string;
  };
}

/**
 * Resource-server core over the Web-standard `Request` (docs/oauth.md): serves RFC 9728
 * metadata, verifies the at+jwt (issuer, audience, lifetime, EdDSA), the DPoP proof (`htm`,
 * `htu`, `iat`, `ath`, `cnf.jkt`, `jti` replay), the revocation feed, and the scope; refusals
 * become RFC 6750 / RFC 9449 challenges. Adapters: {@link fastifyOAuth}, {@link expressOAuth}.
 *
 * @example
 * const guard = new OAuthResourceGuard({ issuer: relayUrl, resource: "https://api.example.com" });
 * const outcome = await guard.handle(request, { scope: "/social/post" });
 * if ("response" in outcome) return outcome.response;
 */
export class OAuthResourceGuard {
  readonly #options: OAuthResourceOptions;
  readonly #publicUrl: string;
  readonly #now: () => number;
  readonly #usedProofs = new Map<string, number>();

  constructor(options: OAuthResourceOptions) {
    this.#options = options;
    this.#publicUrl = (options.publicUrl ?? options.resource).replace(/\/+$/, "");
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** The RFC 9728 section 2 metadata document. */
  metadata() {
    return {
      resource: this.#options.resource,
      authorization_servers: [this.#options.issuer],
      bearer_methods_supported: ["header"],
      dpop_signing_alg_values_supported: ["EdDSA", "Ed25519"],
      dpop_bound_access_tokens_required: true,
    };
  }

  /** The absolute URL of the metadata, for `resource_metadata` in challenges. */
  get metadataUrl(): string {
    return this.#publicUrl + PROTECTED_RESOURCE_METADATA_PATH;
  }

  /**
   * Verifies a request and returns its caller. Throws ClientError with the first failure's code
   * (ERR_ACCESS_TOKEN_*, ERR_DPOP_*, ERR_REVOKED_KEY, ERR_REVOCATION_FEED_STALE); a request
   * without any token throws ERR_ACCESS_TOKEN_INVALID with details `{ missing: true }`.
   */
  async authenticate(request: Request, required: { scope: string }): Promise<AntsAuthInfo> {
    const now = this.#now();
    this.#sweep(now);
    const token = tokenOf(request.headers.get("authorization"));
    const claims = await verifyOAuthToken(token, {
      ...this.#options,
      audience: this.#options.resource,
      now,
    });
    await this.#checkProof(request, token, claims, now);
    this.#options.revocations?.assertNotRevoked(claims as unknown as AccessTokenClaims, now);
    if (!commandCovers(claims.cmd, required.scope)) {
      throw new ClientError("ERR_ACCESS_TOKEN_CMD_MISMATCH", `scope: ${required.scope} needed`);
    }
    return authInfoOf(token, claims);
  }

  /**
   * Serves the metadata, or authenticates: returns the caller, or the refusal as a Response.
   *
   * @example
   * const outcome = await guard.handle(request, { scope: "/social/post" });
   */
  async handle(
    request: Request,
    required: { scope: string },
  ): Promise<{ authInfo: AntsAuthInfo } | { response: Response }> {
    if (new URL(request.url).pathname === PROTECTED_RESOURCE_METADATA_PATH) {
      return { response: Response.json(this.metadata()) };
    }
    try {
      return { authInfo: await this.authenticate(request, required) };
    } catch (error) {
      return { response: refusalResponse(this.refusal(error, required)) };
    }
  }

  /** The status, challenge and body for an error thrown by {@link authenticate}. */
  refusal(error: unknown, required: { scope: string }): ResourceRefusal {
    const missing = error instanceof ClientError && error.details?.missing === true;
    return refusalFor(missing ? undefined : error, {
      metadataUrl: this.metadataUrl,
      scope: required.scope,
    });
  }

  async #checkProof(request: Request, token: string, claims: OAuthTokenClaims, now: number) {
    const proof = request.headers.get("dpop");
    if (proof === null || proof.includes(",")) {
      throw new ClientError("ERR_DPOP_MISSING", "dpop: expected one DPoP header");
    }
    const url = this.#publicUrl + new URL(request.url).pathname;
    const { jti } = await withClientErrors(() =>
      verifyDpopProof(proof, {
        method: request.method,
        url,
        accessToken: token,
        expectedThumbprint: claims.cnf.jkt,
        now,
      }),
    );
    const id = `${claims.cnf.jkt}:${jti}`;
    if (this.#usedProofs.has(id))
      throw new ClientError("ERR_DPOP_REPLAYED", "dpop: proof already used");
    this.#usedProofs.set(id, now + PROOF_WINDOW_SECONDS);
  }

  #sweep(now: number): void {
    for (const [id, expiry] of this.#usedProofs) if (expiry < now) this.#usedProofs.delete(id);
  }
}

// RFC 9449 section 7.1: a DPoP-bound token travels under the DPoP scheme, never Bearer.
function tokenOf(header: string | null): string {
  if (header === null) {
    throw new ClientError("ERR_ACCESS_TOKEN_INVALID", "authorization: missing", {
      details: { missing: true },
    });
  }
  const match = /^DPoP ([A-Za-z0-9_.-]+)$/i.exec(header);
  if (match === null) {
    throw new ClientError("ERR_ACCESS_TOKEN_INVALID", "authorization: expected DPoP <token>");
  }
  return match[1]!;
}

function authInfoOf(token: string, claims: OAuthTokenClaims): AntsAuthInfo {
  return {
    token,
    clientId: claims.client_id,
    scopes: claims.scope.split(" "),
    expiresAt: claims.exp,
    resource: new URL(claims.aud),
    extra: {
      principal: claims.sub,
      actors: actorsOf(claims.act),
      command: claims.cmd,
      auditIndex: claims.audit_index,
      jkt: claims.cnf.jkt,
    },
  };
}

/**
 * Turns a refusal into a Web `Response` with its challenge.
 *
 * @example
 * return refusalResponse(guard.refusal(error, { scope }));
 */
export function refusalResponse(refusal: ResourceRefusal): Response {
  return Response.json(refusal.body, {
    status: refusal.status,
    headers: { "www-authenticate": refusal.challenge, "cache-control": "no-store" },
  });
}
