import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  generateKeyPair,
  signDpopProof,
  signLoginStatement,
  signRegistration,
} from "@ants/protocol";

/** A frozen, movable clock shared by a test relay and its agents. */
export interface TestClock {
  now: number;
}

/** A relay as the test agent sees it. */
export interface RelayTarget {
  url: string;
  did: string;
  origin: string;
}

/** An HTTP answer: status, parsed JSON (or null), and the relay's `DPoP-Nonce`, if any. */
export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field.
  body: any;
  nonce?: string;
}

/**
 * An agent driven straight from the protocol functions, so relay tests do not depend on the SDK:
 * registers, logs in, and signs DPoP proofs for each call.
 */
export class TestAgent {
  /** The identity key in use: a rotation replaces it while `did` stays the same. */
  signer: Ed25519Signer;
  readonly did: string;
  sessionSigner: Ed25519Signer = createSigner(generateKeyPair().seed);
  session = "";
  sessionId = "";
  /** The latest `DPoP-Nonce` of each relay URL, put in every proof (sessions.md 5.1). */
  readonly nonces = new Map<string, string>();

  constructor(
    readonly relay: RelayTarget,
    readonly clock: TestClock,
  ) {
    this.signer = createSigner(generateKeyPair().seed);
    this.did = didFromPublicKey(this.signer.publicKey);
  }

  registration(overrides: { instances?: number; owner?: string; aud?: string } = {}): string {
    return signRegistration(
      {
        aud: overrides.aud ?? this.relay.did,
        instances: overrides.instances ?? 2,
        ...pickOwner(overrides),
      },
      { signer: this.signer, now: this.clock.now },
    );
  }

  async register(overrides: { instances?: number; owner?: string } = {}): Promise<Answer> {
    return send(this.relay, "POST", "/v1/agents", { registration: this.registration(overrides) });
  }

  async challenge(): Promise<string> {
    const answer = this.#remember(await send(this.relay, "POST", "/v1/sessions/challenge", {}));
    return answer.body.nonce as string;
  }

  loginStatement(
    nonce: string,
    overrides: { instance?: string; aud?: string; origin?: string } = {},
  ) {
    this.sessionSigner = createSigner(generateKeyPair().seed);
    return signLoginStatement(
      {
        iss: this.did,
        aud: overrides.aud ?? this.relay.did,
        origin: overrides.origin ?? this.relay.origin,
        nonce,
        sessionKey: this.sessionSigner.publicKey,
        instance: overrides.instance ?? "i1",
      },
      { signer: this.signer, now: this.clock.now },
    );
  }

  async login(overrides: { instance?: string } = {}): Promise<Answer> {
    const login = this.loginStatement(await this.challenge(), overrides);
    const answer = this.#remember(await send(this.relay, "POST", "/v1/sessions", { login }));
    if (answer.status === 201) {
      this.session = answer.body.session;
      this.sessionId = answer.body.sessionId;
    }
    return answer;
  }

  proof(
    method: string,
    path: string,
    overrides: {
      htu?: string;
      token?: string;
      signer?: Ed25519Signer;
      /** A nonce to sign instead of the relay's latest; null signs none. */
      nonce?: string | null;
    } = {},
  ) {
    const nonce =
      overrides.nonce === null ? undefined : (overrides.nonce ?? this.nonces.get(this.relay.url));
    return signDpopProof(
      {
        htm: method,
        htu: overrides.htu ?? this.relay.origin + path,
        accessToken: overrides.token ?? this.session,
        ...(nonce === undefined ? {} : { nonce }),
      },
      { signer: overrides.signer ?? this.sessionSigner, now: this.clock.now },
    );
  }

  /**
   * An authenticated call with a fresh proof, unless headers are given. Like the SDK, a fresh
   * proof refused for its nonce is signed again once with the nonce the refusal carries.
   */
  async call(
    method: string,
    path: string,
    headers?: Record<string, string>,
    body?: unknown,
  ): Promise<Answer> {
    const fresh = () => ({ authorization: `DPoP ${this.session}`, dpop: this.proof(method, path) });
    const answer = this.#remember(await send(this.relay, method, path, body, headers ?? fresh()));
    if (headers !== undefined || answer.body?.code !== "ERR_DPOP_NONCE_REQUIRED") return answer;
    return this.#remember(await send(this.relay, method, path, body, fresh()));
  }

  #remember(answer: Answer): Answer {
    if (answer.nonce !== undefined) this.nonces.set(this.relay.url, answer.nonce);
    return answer;
  }
}

function pickOwner(overrides: { owner?: string }) {
  return overrides.owner === undefined ? {} : { owner: overrides.owner };
}

/** Sends one JSON request and parses the answer. */
export async function send(
  relay: { url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(relay.url + path, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  const nonce = response.headers.get("dpop-nonce") ?? undefined;
  return {
    status: response.status,
    body: text === "" ? null : JSON.parse(text),
    ...(nonce === undefined ? {} : { nonce }),
  };
}
