import {
  attenuate,
  type DecryptSeedOptions,
  didFromPublicKey,
  type Ed25519Signer,
  type JsonValue,
  signApproval,
  signDelegation,
  signInvocation,
  signLoginStatement,
  signRegistration,
} from "@ants/protocol";
import { ClientError, withClientErrors } from "../errors/client-error.ts";
import { openKeystoreFile } from "../keystore/keystore-file.ts";
import { RelayClient } from "../relay/relay-client.ts";
import type { AgentRecord, ApprovalResult, Decision } from "../relay/relay-types.ts";
import { callResource } from "../resource/call-resource.ts";
import { pickDefined, principalOf } from "./agent-helpers.ts";
import type { AgentOptions, DelegateInput, InvokeInput } from "./agent-types.ts";
import {
  type AgentSession,
  newSessionKey,
  type StoredSession,
  sessionFromGrant,
  sessionFromStored,
} from "./session-keys.ts";

/**
 * An agent: its identity key, one relay, and a session it logs into and refreshes by itself.
 *
 * @example
 * const agent = await Agent.open({ relay: "http://127.0.0.1:7777", keystore, passphrase });
 * const decision = await agent.invoke({ cmd: "/social/draft", args: { text: "hi" }, chain });
 */
export class Agent {
  readonly relay: RelayClient;
  readonly did: string;
  readonly #unlock: () => Promise<Ed25519Signer>;
  readonly #instance: string;
  readonly #now: () => number;
  readonly #margin: number;
  #session: AgentSession | undefined;
  #sessionSeed: string | undefined;
  #stored: StoredSession | undefined;
  #renewal: Promise<AgentSession> | undefined;

  constructor(options: AgentOptions) {
    this.relay =
      typeof options.relay === "string"
        ? new RelayClient({
            url: options.relay,
            ...(options.now === undefined ? {} : { now: options.now }),
          })
        : options.relay;
    const signer = options.signer;
    if (signer !== undefined) {
      // After a rotation the signer is the current key and the ID stays the inception's.
      this.did = options.id ?? didFromPublicKey(signer.publicKey);
      this.#unlock = async () => signer;
    } else if (options.identity !== undefined) {
      this.did = options.identity.did;
      this.#unlock = options.identity.unlock;
    } else {
      throw new ClientError("ERR_KEY_INVALID", "agent: a signer or an identity is required");
    }
    this.#instance = options.instance ?? "default";
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.#margin = options.refreshMarginSeconds ?? 60;
    if (options.session !== undefined && options.session.agent === this.did) {
      this.#session = sessionFromStored(options.session);
      this.#stored = options.session;
    }
  }

  /** Unlocks a keystore file and returns the agent it holds. */
  static async open(
    options: Omit<AgentOptions, "signer"> & {
      keystore: string;
      passphrase: string;
      decrypt?: DecryptSeedOptions;
    },
  ): Promise<Agent> {
    const { signer } = await openKeystoreFile(
      options.keystore,
      options.passphrase,
      options.decrypt,
    );
    return new Agent({ ...options, signer });
  }

  /** Registers this agent with the relay. */
  async register(
    input: {
      instances?: number;
      owner?: string;
      recovery?: { [name: string]: JsonValue };
      /** The signed inception, to pin this agent's key event log on the relay. */
      inception?: string;
    } = {},
  ): Promise<AgentRecord> {
    const { did } = await this.relay.discover();
    const signer = await this.#unlock();
    const { inception, ...claims } = input;
    const registration = await withClientErrors(() =>
      signRegistration(
        { aud: did, instances: input.instances ?? 1, ...pickDefined(claims) },
        { signer, now: this.#now() },
      ),
    );
    return this.relay.register(registration, inception);
  }

  /** Logs in with a fresh session key, replacing this instance's previous session. */
  async login(): Promise<AgentSession> {
    const { did, origin } = await this.relay.discover();
    const { nonce } = await this.relay.challenge();
    const identity = await this.#unlock();
    const { signer, seed } = newSessionKey();
    const login = await withClientErrors(() =>
      signLoginStatement(
        {
          iss: this.did,
          aud: did,
          origin,
          nonce,
          sessionKey: signer.publicKey,
          instance: this.#instance,
        },
        { signer: identity, now: this.#now() },
      ),
    );
    this.#session = sessionFromGrant(await this.relay.login(login), signer);
    this.#sessionSeed = seed;
    this.#stored = undefined;
    return this.#session;
  }

  /**
   * The live session, logging in again first when it is missing or about to expire. Calls that
   * find it so at the same time share one login: each login replaces this instance's previous
   * session, so separate ones would end the sessions the others' calls are using.
   */
  async session(): Promise<AgentSession> {
    if (this.#session !== undefined && this.#session.expiresAt - this.#now() > this.#margin)
      return this.#session;
    this.#renewal ??= this.login().finally(() => {
      this.#renewal = undefined;
    });
    return this.#renewal;
  }

  /** The current session in storable form, or undefined without one. */
  exportSession(): StoredSession | undefined {
    const session = this.#session;
    if (session === undefined) return undefined;
    if (this.#stored !== undefined) return this.#stored;
    const { token, sessionId, expiresAt, instance } = session;
    return {
      relay: this.relay.url,
      agent: this.did,
      token,
      sessionId,
      expiresAt,
      instance,
      sessionKey: this.#sessionSeed!,
    };
  }

  /** Signs a delegation: a root one, or a narrower child of `parent`. */
  async delegate(input: DelegateInput): Promise<string> {
    const signer = await this.#unlock();
    const now = this.#now();
    const exp = input.exp ?? (input.expiresIn === undefined ? undefined : now + input.expiresIn);
    const claims = {
      aud: input.to,
      cmd: input.cmd,
      ...pickDefined({ exp, pol: input.pol, apr: input.apr, lvl: input.lvl, dpth: input.dpth }),
    };
    return withClientErrors(() => {
      if (input.parent !== undefined && input.parent.length > 0) {
        return attenuate([...input.parent], { ...claims, iss: this.did }, { signer, now });
      }
      return signDelegation(
        {
          ...claims,
          iss: this.did,
          exp: exp ?? now + 3600,
          ...pickDefined({ sub: input.onBehalfOf }),
        },
        { signer, now },
      );
    });
  }

  /** Asks the relay to authorize an invocation signed by the session key. */
  async invoke(input: InvokeInput): Promise<Decision> {
    const session = await this.session();
    const { did, origin } = await this.relay.discover();
    const principal = principalOf(input.chain);
    const invocation = await withClientErrors(() =>
      signInvocation(
        {
          iss: this.did,
          sub: principal,
          aud: did,
          cmd: input.cmd,
          args: input.args,
          delegations: input.chain,
          htm: "POST",
          htu: `${origin}/v1/authorize`,
          ...pickDefined({ cause: input.cause }),
        },
        { signer: session.signer, now: this.#now() },
      ),
    );
    return this.relay.authorize(
      { invocation, chain: [...input.chain], ...pickDefined({ resource: input.resource }) },
      session,
    );
  }

  /** Approves a pending invocation by its hash, signed by the identity key. */
  async approve(invocationHash: string): Promise<ApprovalResult> {
    const signer = await this.#unlock();
    const approval = await withClientErrors(() =>
      signApproval({ iss: this.did, inv: invocationHash }, { signer, now: this.#now() }),
    );
    return this.relay.approve(approval, await this.session());
  }

  /** The current decision of a pending invocation; `allow` once approved. */
  async pending(invocationHash: string): Promise<Decision> {
    return this.relay.pending(invocationHash, await this.session());
  }

  /**
   * Calls a resource server with an access token and a DPoP proof of the session key
   * (docs/spec/authorize.md 3.1).
   */
  async callResource(
    url: string,
    input: { accessToken: string; method?: string; body?: unknown },
  ): Promise<Response> {
    return callResource(url, { ...input, signer: (await this.session()).signer, now: this.#now() });
  }
}
