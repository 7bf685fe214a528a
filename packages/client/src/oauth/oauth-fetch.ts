import { createSigner, type Ed25519Signer, generateKeyPair, signDpopProof } from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";
import { signClientAssertion, signTokenRequestProof } from "./token-request-signing.ts";

/** Options for {@link createOAuthFetch}. */
export interface OAuthFetchOptions {
  /** The relay's issuer URL; its token endpoint is `{issuer}/oauth/token`. */
  issuer: string;
  /** The agent: its did:key and identity key (from its keystore). */
  agent: { did: string; signer: Ed25519Signer };
  /** The API the token is for (RFC 8707 `resource`). */
  resource: string;
  /** The command path asked for (docs/oauth.md section 3). */
  scope: string;
  /** The DPoP key tokens are bound to. Default a fresh key held in memory. */
  dpopKey?: Ed25519Signer;
  /** Clock, Unix seconds. Default the system clock. */
  now?: () => number;
  /** The fetch to call. Default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * A `fetch` that adds `Authorization: DPoP <token>` and a fresh DPoP proof to each request,
 * gets its token from the relay with client_credentials and private_key_jwt, renews it once when
 * the server answers `invalid_token`, and coalesces concurrent renewals into one token request.
 * A request body is sent again on the retry, so pass a string or bytes, not a stream.
 *
 * @example
 * const api = createOAuthFetch({ issuer: relayUrl, agent, resource, scope: "/social/post" });
 * const response = await api("https://api.example.com/posts", { method: "POST", body });
 */
export function createOAuthFetch(options: OAuthFetchOptions) {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const send = options.fetch ?? fetch;
  const dpopKey = options.dpopKey ?? createSigner(generateKeyPair().seed);
  let current: Promise<string> | undefined;

  const fresh = (): Promise<string> => {
    const pending: Promise<string> = requestToken(options, dpopKey, now(), send).catch(
      (error: unknown) => {
        // A failed request is not cached: the next call asks again.
        if (current === pending) current = undefined;
        throw error;
      },
    );
    current = pending;
    return pending;
  };
  // One token request at a time: every caller waiting for a token shares it, and callers that
  // saw the same token refused share one renewal.
  const tokenAfter = async (stale: string | undefined): Promise<string> => {
    const pending = current ?? fresh();
    const token = await pending;
    if (token !== stale) return token;
    if (current !== undefined && current !== pending) return current;
    return fresh();
  };

  return async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const token = await (current ?? tokenAfter(undefined));
    const response = await send(input, withProof(input, init, token, dpopKey, now()));
    if (!isInvalidToken(response)) return response;
    // RFC 6750 section 3.1: invalid_token means a new token may succeed; try once.
    const renewed = await tokenAfter(token);
    return send(input, withProof(input, init, renewed, dpopKey, now()));
  };
}

async function requestToken(
  options: OAuthFetchOptions,
  dpopKey: Ed25519Signer,
  now: number,
  send: typeof fetch,
): Promise<string> {
  const issuer = options.issuer.replace(/\/+$/, "");
  const endpoint = `${issuer}/oauth/token`;
  const response = await send(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      dpop: signTokenRequestProof(dpopKey, { htu: endpoint, now }),
    },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: options.agent.did,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: signClientAssertion(options.agent, { issuer, now }),
      resource: options.resource,
      scope: options.scope,
    }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200 || typeof body.access_token !== "string") {
    throw new ClientError("ERR_RELAY_RESPONSE_INVALID", `token endpoint: ${String(body.error)}`, {
      details: { status: response.status, error: body.error, code: body.code },
    });
  }
  return body.access_token;
}

function withProof(
  input: string | URL,
  init: RequestInit,
  token: string,
  dpopKey: Ed25519Signer,
  now: number,
): RequestInit {
  const url = new URL(input);
  const method = (init.method ?? "GET").toUpperCase();
  const headers = new Headers(init.headers);
  headers.set("authorization", `DPoP ${token}`);
  headers.set(
    "dpop",
    signDpopProof(
      { htm: method, htu: url.origin + url.pathname, accessToken: token },
      { signer: dpopKey, now },
    ),
  );
  return { ...init, method, headers };
}

function isInvalidToken(response: Response): boolean {
  return (
    response.status === 401 &&
    (response.headers.get("www-authenticate") ?? "").includes('error="invalid_token"')
  );
}
