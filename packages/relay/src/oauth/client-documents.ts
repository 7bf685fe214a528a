import { decodeBase64url, jwkThumbprint } from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import { type ClientKey, readClientDocument } from "./client-document.ts";
import { parseClientIdUrl } from "./client-id-url.ts";
import { type ClientDocumentFetchOptions, fetchClientDocument } from "./fetch-client-document.ts";

/** Client ID metadata document settings of the relay (docs/oauth.md 5.2). */
export interface ClientDocumentOptions extends ClientDocumentFetchOptions {
  /** How long a fetched document is used before it is fetched again, in seconds. Default 60. */
  cacheSeconds?: number;
}

/** Who a `client_id` is and the keys it may sign assertions with. */
export interface ResolvedClient {
  /** The actor decisions name: the agent's DID, or the `client_id` URL of a foreign client. */
  actor: string;
  keys: ClientKey[];
}

const DEFAULT_CACHE_SECONDS = 60;
const MAX_CACHED_DOCUMENTS = 1000;
/**
 * Fetches in flight at once, over all URLs. Anyone can name a URL before authenticating, so the
 * relay never lets requests turn it into a crowd of outgoing connections.
 */
const MAX_FETCHES_IN_FLIGHT = 8;
/** How long a failed fetch is answered from memory, in seconds, so a retry loop fetches rarely. */
const FAILURE_CACHE_SECONDS = 10;

/**
 * Resolves `client_id`s to keys: a registered agent's DID to its current key; the URL of one of
 * this relay's own agent documents (`/agents/{id}/client.json`) to that agent, read from the
 * store without a fetch; any other https URL by fetching its client ID metadata document
 * (fetchClientDocument's limits), cached briefly (a failure for 10 s), with one fetch in flight
 * per URL and at most 8 in all. Throws
 * ERR_CLIENT_UNKNOWN, ERR_CLIENT_METADATA_UNREACHABLE, ERR_CLIENT_METADATA_INVALID or
 * ERR_NOT_SUPPORTED.
 *
 * @example
 * const { actor, keys } = await clients.resolve(context, clientId);
 */
export class ClientDocuments {
  readonly #options: ClientDocumentOptions;
  readonly #cache = new Map<string, { keys: ClientKey[]; until: number }>();
  readonly #failures = new Map<string, { error: unknown; until: number }>();
  readonly #inFlight = new Map<string, Promise<ClientKey[]>>();

  constructor(options: ClientDocumentOptions = {}) {
    this.#options = options;
  }

  async resolve(context: RelayContext, clientId: string): Promise<ResolvedClient> {
    const own = ownAgentOf(context.publicUrl, clientId);
    if (own !== undefined) return { actor: own, keys: await agentKeys(context, own, clientId) };
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(clientId)) {
      return { actor: clientId, keys: await agentKeys(context, clientId, "iss") };
    }
    const url = parseClientIdUrl(clientId);
    const now = context.now();
    const cached = this.#cache.get(clientId);
    if (cached !== undefined && cached.until > now) return { actor: clientId, keys: cached.keys };
    const failed = this.#failures.get(clientId);
    if (failed !== undefined && failed.until > now) throw failed.error;
    return { actor: clientId, keys: await this.#fetchOnce(url, clientId, now) };
  }

  #fetchOnce(url: URL, clientId: string, now: number): Promise<ClientKey[]> {
    const pending = this.#inFlight.get(clientId);
    if (pending !== undefined) return pending;
    if (this.#inFlight.size >= MAX_FETCHES_IN_FLIGHT) {
      const busy = "client_id: too many client documents being fetched, retry shortly";
      return Promise.reject(new RelayError("ERR_CLIENT_METADATA_UNREACHABLE", busy));
    }
    const fetching = fetchClientDocument(url, this.#options)
      .then((text) => {
        const keys = readClientDocument(text, clientId);
        this.#remember(clientId, keys, now);
        return keys;
      })
      .catch((error: unknown) => {
        this.#rememberFailure(clientId, error, now);
        throw error;
      })
      .finally(() => this.#inFlight.delete(clientId));
    this.#inFlight.set(clientId, fetching);
    return fetching;
  }

  #rememberFailure(clientId: string, error: unknown, now: number): void {
    if (this.#failures.size >= MAX_CACHED_DOCUMENTS) {
      this.#failures.delete(this.#failures.keys().next().value as string);
    }
    this.#failures.set(clientId, { error, until: now + FAILURE_CACHE_SECONDS });
  }

  #remember(clientId: string, keys: ClientKey[], now: number): void {
    this.#failures.delete(clientId);
    if (this.#cache.size >= MAX_CACHED_DOCUMENTS) {
      // Maps iterate in insertion order: drop the oldest entry.
      this.#cache.delete(this.#cache.keys().next().value as string);
    }
    const seconds = this.#options.cacheSeconds ?? DEFAULT_CACHE_SECONDS;
    this.#cache.set(clientId, { keys, until: now + seconds });
  }
}

// `${publicUrl}/agents/{id}/client.json` (or under /v1): this relay's own document for an agent.
function ownAgentOf(publicUrl: string, clientId: string): string | undefined {
  for (const base of [publicUrl, `${publicUrl}/v1`]) {
    const prefix = `${base}/agents/`;
    if (!clientId.startsWith(prefix) || !clientId.endsWith("/client.json")) continue;
    const agent = clientId.slice(prefix.length, -"/client.json".length);
    if (agent.startsWith("did:") && !agent.includes("/")) return agent;
  }
  return undefined;
}

async function agentKeys(context: RelayContext, agent: string, field: string) {
  const record = await context.store.agents.get(agent);
  if (record === undefined) {
    throw new RelayError("ERR_CLIENT_UNKNOWN", `${field}: not a registered agent`);
  }
  const publicKey = decodeBase64url(record.publicKey, "agent key");
  const thumbprint = jwkThumbprint(publicKey);
  return [{ kid: thumbprint, thumbprint, publicKey }];
}
