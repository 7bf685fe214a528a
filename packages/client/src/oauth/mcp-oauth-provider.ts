import { createSigner, type Ed25519Signer, generateKeyPair, signDpopProof } from "@ants/protocol";
// Types only: the SDK is not loaded at run time, so @ants/client works without it.
import type {
  OAuthClientProvider,
  OAuthDiscoveryState,
} from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  AuthorizationServerMetadata,
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { ClientError } from "../errors/client-error.ts";
import { openKeystoreFile } from "../keystore/keystore-file.ts";
import { signClientAssertion, signTokenRequestProof } from "./token-request-signing.ts";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** A token this close to its expiry is not offered; the next request gets a fresh one. */
const EXPIRY_MARGIN_SECONDS = 30;

/** Options for {@link AntsOAuthClientProvider}. */
export interface AntsOAuthClientOptions {
  /** The relay's issuer URL (its authorization server metadata `issuer`). */
  issuer: string;
  /** The agent: its did:key (the OAuth `client_id`) and identity key, from its keystore. */
  agent: { did: string; signer: Ed25519Signer };
  /**
   * The `client_id` to present. Default the agent's did:key; or the URL of its client ID
   * metadata document (`{relay}/agents/{did}/client.json`, docs/oauth.md section 2.6).
   */
  clientId?: string;
  /**
   * The command path asked for (docs/oauth.md section 3). Required: the SDK passes a token
   * request only the client's own `scope`, never one from the server's challenge.
   */
  scope: string;
  /** The DPoP key tokens are bound to. Default a fresh key held in memory. */
  dpopKey?: Ed25519Signer;
  /** Clock, Unix seconds. Default the system clock. */
  now?: () => number;
  /** The fetch under {@link AntsOAuthClientProvider.fetch}. Default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * The MCP TypeScript SDK's `OAuthClientProvider` for an ANTS agent, headless: client_credentials
 * with private_key_jwt signed by the agent's identity key, DPoP-bound tokens, no browser and no
 * secret in a file. Pass it as `authProvider` and its {@link fetch} as `fetch` to the SDK's
 * transport: the SDK sends `Authorization: Bearer`, and the fetch turns that into
 * `Authorization: DPoP` with a fresh proof (RFC 9449 section 7.1), which the SDK cannot do.
 *
 * The relay's metadata has no `authorization_endpoint` (it has no browser flow, RFC 8414 section
 * 2 allows that), which the SDK's metadata schema requires; the provider therefore hands the SDK
 * the relay's metadata through `discoveryState()` itself, read from the configured issuer only.
 *
 * @example
 * const provider = new AntsOAuthClientProvider({ issuer: relayUrl, agent, scope: "/mcp" });
 * const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
 *   authProvider: provider,
 *   fetch: provider.fetch,
 * });
 * await new Client({ name: "agent", version: "1.0.0" }).connect(transport);
 */
export class AntsOAuthClientProvider implements OAuthClientProvider {
  readonly #options: AntsOAuthClientOptions;
  readonly #issuer: string;
  readonly #clientId: string;
  readonly #now: () => number;
  readonly #send: typeof fetch;
  readonly #dpopKey: Ed25519Signer;
  #tokens: { tokens: OAuthTokens; expiresAt: number } | undefined;
  #discovery: OAuthDiscoveryState | undefined;

  constructor(options: AntsOAuthClientOptions) {
    this.#options = options;
    this.#issuer = options.issuer.replace(/\/+$/, "");
    this.#clientId = options.clientId ?? options.agent.did;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#send = options.fetch ?? ((input, init) => fetch(input, init));
    this.#dpopKey = options.dpopKey ?? createSigner(generateKeyPair().seed);
  }

  /**
   * Opens the agent's keystore file (age-encrypted seed) and returns a provider for it.
   *
   * @example
   * const provider = await AntsOAuthClientProvider.fromKeystore({
   *   keystore: "/home/a/.ants/identity.age", passphrase, issuer: relayUrl, scope: "/mcp",
   * });
   */
  static async fromKeystore(
    options: Omit<AntsOAuthClientOptions, "agent"> & { keystore: string; passphrase: string },
  ): Promise<AntsOAuthClientProvider> {
    const { did, signer } = await openKeystoreFile(options.keystore, options.passphrase);
    return new AntsOAuthClientProvider({ ...options, agent: { did, signer } });
  }

  /** Undefined: client_credentials needs no redirect (the SDK's non-interactive flow). */
  get redirectUrl(): undefined {
    return undefined;
  }

  /** The client as RFC 7591 would describe it: private_key_jwt, client_credentials, DPoP. */
  get clientMetadata(): OAuthClientMetadata {
    return {
      redirect_uris: [],
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "private_key_jwt",
      client_name: this.#options.agent.did,
      scope: this.#options.scope,
    };
  }

  /** The agent's did:key, bound to the relay: the SDK shows it to no other server. */
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.#clientId, issuer: this.#issuer };
  }

  /** The current token, or undefined once it is within 30 s of its expiry. */
  tokens(): OAuthTokens | undefined {
    const held = this.#tokens;
    if (held === undefined || this.#now() >= held.expiresAt - EXPIRY_MARGIN_SECONDS) return;
    return held.tokens;
  }

  /** Keeps the token; one without `expires_in` is offered until a server refuses it. */
  saveTokens(tokens: OAuthTokens): void {
    const expiresAt =
      tokens.expires_in === undefined ? Number.POSITIVE_INFINITY : this.#now() + tokens.expires_in;
    this.#tokens = { tokens, expiresAt };
  }

  /** Forgets tokens (and, for "all" or "discovery", the relay's metadata) after a refusal. */
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "all" || scope === "tokens") this.#tokens = undefined;
    if (scope === "all" || scope === "discovery") this.#discovery = undefined;
  }

  /** RFC 6749 section 4.4.2: client_credentials with the configured scope. */
  prepareTokenRequest(): URLSearchParams {
    return new URLSearchParams({ grant_type: "client_credentials", scope: this.#options.scope });
  }

  /**
   * RFC 7523 section 2.2 client authentication, plus the token request's DPoP proof (RFC 9449
   * section 4) for the key the token will be bound to.
   */
  readonly addClientAuthentication = (
    headers: Headers,
    params: URLSearchParams,
    url: string | URL,
  ): void => {
    const now = this.#now();
    const client = { did: this.#clientId, signer: this.#options.agent.signer };
    params.set("client_id", this.#clientId);
    params.set("client_assertion_type", ASSERTION_TYPE);
    params.set("client_assertion", signClientAssertion(client, { issuer: this.#issuer, now }));
    headers.set("dpop", signTokenRequestProof(this.#dpopKey, { htu: String(url), now }));
  };

  /** The relay's metadata, read from the configured issuer (see the class comment). */
  async discoveryState(): Promise<OAuthDiscoveryState> {
    this.#discovery ??= {
      authorizationServerUrl: this.#issuer,
      authorizationServerMetadata: await this.#relayMetadata(),
    };
    return this.#discovery;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.#discovery = state;
  }

  /** A browser flow: not supported; throws ERR_NOT_SUPPORTED. */
  redirectToAuthorization(): never {
    throw notSupported("authorization code flow");
  }

  /** A browser flow: not supported; throws ERR_NOT_SUPPORTED. */
  saveCodeVerifier(): never {
    throw notSupported("authorization code flow");
  }

  /** A browser flow: not supported; throws ERR_NOT_SUPPORTED. */
  codeVerifier(): never {
    throw notSupported("authorization code flow");
  }

  /**
   * A `fetch` for the SDK's transport: a request carrying this provider's DPoP-bound token
   * (`token_type` DPoP, RFC 9449 section 5) as `Authorization: Bearer` leaves as
   * `Authorization: DPoP` with a proof for its method and URL (`htm`, `htu`, `ath`). Any other
   * request goes out unchanged.
   */
  readonly fetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const held = this.#tokens?.tokens;
    const token = held?.token_type.toLowerCase() === "dpop" ? held.access_token : undefined;
    const base = input instanceof Request ? input : undefined;
    const headers = new Headers(init.headers ?? base?.headers);
    if (token === undefined || headers.get("authorization") !== `Bearer ${token}`) {
      return this.#send(input, init);
    }
    const url = new URL(base?.url ?? String(input));
    const method = (init.method ?? base?.method ?? "GET").toUpperCase();
    headers.set("authorization", `DPoP ${token}`);
    headers.set(
      "dpop",
      signDpopProof(
        { htm: method, htu: url.origin + url.pathname, accessToken: token },
        { signer: this.#dpopKey, now: this.#now() },
      ),
    );
    return this.#send(input, { ...init, method, headers });
  };

  async #relayMetadata(): Promise<AuthorizationServerMetadata> {
    const url = `${this.#issuer}/.well-known/oauth-authorization-server`;
    const response = await this.#send(url, { headers: { accept: "application/json" } });
    const body = (await response.json().catch(() => undefined)) as
      | Record<string, unknown>
      | undefined;
    // RFC 8414 section 3.3: the metadata must name the issuer it was fetched from.
    if (response.status !== 200 || body?.issuer !== this.#issuer) {
      throw new ClientError("ERR_RELAY_RESPONSE_INVALID", "oauth metadata: issuer mismatch", {
        details: { status: response.status, issuer: body?.issuer },
      });
    }
    if (typeof body.token_endpoint !== "string") {
      throw new ClientError("ERR_RELAY_RESPONSE_INVALID", "oauth metadata: no token_endpoint");
    }
    return body as unknown as AuthorizationServerMetadata;
  }
}

function notSupported(what: string): ClientError {
  return new ClientError("ERR_NOT_SUPPORTED", `mcp oauth provider: ${what} is not supported`);
}
