import { type Ed25519Signer, PROTOCOL_ERROR_CODES, signDpopProof } from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";
import type { ClientErrorCode } from "../errors/client-error-codes.ts";
import type { KeyEventLogDocument } from "../key-events/key-event-log-file.ts";
import type {
  AgentRecord,
  ApprovalResult,
  Challenge,
  Decision,
  KeyEventAppended,
  RelayInfo,
  SessionGrant,
  SessionSummary,
  TrustExplanation,
} from "./relay-types.ts";

/** A session to authenticate a request with: its token and the session key. */
export interface SessionCredentials {
  token: string;
  signer: Ed25519Signer;
}

/** Options for {@link RelayClient}. */
export interface RelayClientOptions {
  /** The relay's URL, e.g. `http://127.0.0.1:7777`. */
  url: string;
  /** Clock for proof `iat`, Unix seconds. Default the system clock. */
  now?: () => number;
  /** Request timeout in milliseconds. Default 10,000. */
  timeoutMs?: number;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(PROTOCOL_ERROR_CODES);

interface SendOptions {
  body?: unknown;
  session?: SessionCredentials;
  token?: string;
}

/**
 * A typed client for the relay's HTTP API. Authenticated calls carry the session token and a
 * fresh DPoP proof (docs/spec/sessions.md 4.1); `authorize` sends only the token, the signed
 * invocation being its proof. A refusal throws a ClientError with the relay's code.
 *
 * @example
 * const relay = new RelayClient({ url: "http://127.0.0.1:7777" });
 * const { did } = await relay.discover();
 */
export class RelayClient {
  readonly url: string;
  readonly #now: () => number;
  readonly #timeoutMs: number;
  #info: Promise<RelayInfo> | undefined;
  // The relay's latest DPoP-Nonce (docs/spec/sessions.md 5.1), put in every proof.
  #nonce: string | undefined;

  constructor(options: RelayClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The relay's identity, keys and endpoints; fetched once. */
  discover(): Promise<RelayInfo> {
    this.#info ??= this.#send<RelayInfo>("GET", "/.well-known/ants-relay").catch((error) => {
      this.#info = undefined;
      throw error;
    });
    return this.#info;
  }

  /** Registers an agent; `inception` pins its key event log (docs/spec/key-events.md 8.1). */
  register(registration: string, inception?: string): Promise<AgentRecord> {
    const body = inception === undefined ? { registration } : { registration, inception };
    return this.#send("POST", "/v1/agents", { body });
  }

  /** An agent's key event log with the relay's receipt times (docs/spec/key-events.md 8.3). */
  keyEvents(id: string): Promise<KeyEventLogDocument> {
    return this.#send("GET", `/v1/agents/${encodeURIComponent(id)}/events`);
  }

  /**
   * Appends a rotation or override to an agent's key event log, with a guardian rotation's
   * approvals (docs/spec/key-events.md 8.2). Answers the new sequence number and current key.
   */
  appendKeyEvent(id: string, event: string, approvals?: readonly string[]) {
    const body = approvals === undefined ? { event } : { event, approvals: [...approvals] };
    return this.#send<KeyEventAppended>("POST", `/v1/agents/${encodeURIComponent(id)}/events`, {
      body,
    });
  }

  getAgent(id: string): Promise<AgentRecord> {
    return this.#send("GET", `/v1/agents/${encodeURIComponent(id)}`);
  }

  /** An agent's trust level, each gate's value and threshold, and what would raise it. */
  trust(id: string): Promise<TrustExplanation> {
    return this.#send("GET", `/v1/agents/${encodeURIComponent(id)}/trust`);
  }

  challenge(): Promise<Challenge> {
    return this.#send("POST", "/v1/sessions/challenge", { body: {} });
  }

  login(login: string): Promise<SessionGrant> {
    return this.#send("POST", "/v1/sessions", { body: { login } });
  }

  /** `POST /v1/authorize`; the invocation must be signed for `${origin}/v1/authorize`. */
  authorize(
    body: { invocation: string; chain: string[]; resource?: string },
    session: SessionCredentials,
  ): Promise<Decision> {
    return this.#send("POST", "/v1/authorize", { body, token: session.token });
  }

  pending(hash: string, session: SessionCredentials): Promise<Decision> {
    return this.#send("GET", `/v1/authorize/${hash}`, { session });
  }

  approve(approval: string, session: SessionCredentials): Promise<ApprovalResult> {
    return this.#send("POST", "/v1/approvals", { body: { approval }, session });
  }

  async listSessions(agent: string, session: SessionCredentials): Promise<SessionSummary[]> {
    const answer = await this.#send<{ sessions: SessionSummary[] }>(
      "GET",
      `/v1/agents/${agent}/sessions`,
      { session },
    );
    return answer.sessions;
  }

  async endSession(agent: string, sessionId: string, session: SessionCredentials): Promise<void> {
    await this.#send("DELETE", `/v1/agents/${agent}/sessions/${sessionId}`, { session });
  }

  /**
   * Any relay endpoint, for clients of one feature built on this one (handles, ...): `session`
   * adds the token and a DPoP proof, `token` the token alone (the body carries its own proof).
   */
  request<T>(
    method: string,
    path: string,
    options: { body?: unknown; session?: SessionCredentials; token?: string } = {},
  ): Promise<T> {
    return this.#send(method, path, options);
  }

  // A proof refused for its nonce is signed again once, with the nonce the refusal carried.
  async #send<T>(method: string, path: string, options: SendOptions = {}): Promise<T> {
    const response = await this.#fetch(method, path, options);
    const useNonce =
      options.session !== undefined &&
      response.status === 401 &&
      (response.headers.get("www-authenticate") ?? "").includes('error="use_dpop_nonce"');
    if (!useNonce) return readAnswer<T>(response);
    await response.body?.cancel();
    return readAnswer<T>(await this.#fetch(method, path, options));
  }

  async #fetch(method: string, path: string, options: SendOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const token = options.session?.token ?? options.token;
    if (token !== undefined) headers.authorization = `DPoP ${token}`;
    if (options.session !== undefined)
      headers.dpop = await this.#proof(method, path, options.session);
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw new ClientError("ERR_RELAY_UNREACHABLE", `relay: cannot reach ${this.url}`, { cause });
    }
    this.#nonce = response.headers.get("dpop-nonce") ?? this.#nonce;
    return response;
  }

  // htu is the relay's published origin plus the path, so it matches behind a proxy too.
  async #proof(method: string, path: string, session: SessionCredentials): Promise<string> {
    const { origin } = await this.discover();
    return signDpopProof(
      {
        htm: method,
        htu: origin + path,
        accessToken: session.token,
        ...(this.#nonce === undefined ? {} : { nonce: this.#nonce }),
      },
      { signer: session.signer, now: this.#now() },
    );
  }
}

async function readAnswer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch (cause) {
    throw new ClientError(
      "ERR_RELAY_RESPONSE_INVALID",
      `relay: answered ${response.status} with non-JSON`,
      { cause },
    );
  }
  if (response.ok) return body as T;
  const problem = body as { code?: unknown; detail?: unknown } | null;
  const code =
    typeof problem?.code === "string" && KNOWN_CODES.has(problem.code) ? problem.code : undefined;
  if (code === undefined) {
    throw new ClientError(
      "ERR_RELAY_RESPONSE_INVALID",
      `relay: answered ${response.status} without a known code`,
    );
  }
  const detail = typeof problem?.detail === "string" ? problem.detail : code;
  throw new ClientError(code as ClientErrorCode, detail, { details: { status: response.status } });
}
