import {
  type HandleAction,
  type HandleChallenge,
  type HandleSolution,
  normalizeHandle,
  signHandleStatement,
  solvePuzzle,
  validateHandle,
} from "@ants/protocol";
import type { Agent } from "../agent/agent.ts";
import { ClientError, withClientErrors } from "../errors/client-error.ts";
import { type ResolvedHandle, verifiedResolution } from "./resolve-handle.ts";

/** `POST /v1/handles/challenge`: the challenge and how the relay set its difficulty. */
export interface IssuedHandleChallenge {
  challenge: HandleChallenge;
  difficulty: {
    expectedHashes: number;
    lengthFactor: number;
    rateFactor: number;
    memoryHard: boolean;
    recentClaims: number;
  };
}

/** A pending transfer, as its holder and its recipient see it. */
export interface HandleOffer {
  handle: string;
  holder: string;
  to: string;
  /** Token hash of the holder's transfer statement. */
  offer: string;
  statement: string;
  expiresAt: number;
}

/** The answer to a release or a revocation. */
export interface EndedHandle {
  handle: string;
  holder: string;
  quarantineUntil: number;
  revocation?: number;
}

/** Solves a challenge; the CLI passes one that runs in a worker thread. */
export type HandleSolver = (challenge: HandleChallenge) => Promise<HandleSolution>;

/**
 * An agent's handles on its relay (docs/spec/handles.md section 8). Every change is sent with
 * the agent's session token and a handle statement signed by its session key, which the relay
 * takes as the request's proof of possession; answers that carry a binding are verified against
 * the relay's published keys before they are returned.
 *
 * @example
 * const handles = new HandleClient(agent);
 * const { challenge } = await handles.challenge("kevin");
 * await handles.claim("kevin", challenge, await solveInWorker(challenge));
 */
export class HandleClient {
  readonly #agent: Agent;
  readonly #now: () => number;

  constructor(agent: Agent, options: { now?: () => number } = {}) {
    this.#agent = agent;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Asks for a proof-of-work challenge; the handle is normalised and checked locally first. */
  async challenge(handle: string): Promise<IssuedHandleChallenge> {
    const name = await withClientErrors(() => validateHandle(handle));
    const body = { handle: name, agent: this.#agent.did };
    return this.#agent.relay.request("POST", "/v1/handles/challenge", { body });
  }

  /** Claims a handle with a solved challenge. Default solver: this thread. */
  async claim(
    handle: string,
    challenge: HandleChallenge,
    solution?: HandleSolution,
  ): Promise<ResolvedHandle> {
    const name = await withClientErrors(() => normalizeHandle(handle));
    const solved = solution ?? (await withClientErrors(() => solvePuzzle(challenge)));
    const statement = await this.#statement("claim", name, { seed: challenge.seed });
    const body = { handle: name, challenge, solution: solved, statement };
    return this.#send("/v1/handles", body, name);
  }

  /** Offers a handle this agent holds to another agent; nothing moves until it accepts. */
  async transfer(handle: string, to: string): Promise<HandleOffer> {
    const name = await withClientErrors(() => normalizeHandle(handle));
    const statement = await this.#statement("transfer", name, { to });
    return this.#post(`/v1/handles/${name}/transfer`, { statement });
  }

  /** The pending transfer of a handle, when this agent is its holder or recipient. */
  async offer(handle: string): Promise<HandleOffer> {
    const name = await withClientErrors(() => normalizeHandle(handle));
    const session = await this.#agent.session();
    return this.#agent.relay.request("GET", `/v1/handles/${name}/transfer`, { session });
  }

  /** Accepts the transfer offered to this agent, naming the exact offer it read. */
  async accept(handle: string): Promise<ResolvedHandle> {
    const pending = await this.offer(handle);
    if (pending.to !== this.#agent.did) {
      throw new ClientError("ERR_HANDLE_TRANSFER_NOT_FOUND", "offer: not addressed to this agent");
    }
    const statement = await this.#statement("accept", pending.handle, { offer: pending.offer });
    return this.#send(`/v1/handles/${pending.handle}/accept`, { statement }, pending.handle);
  }

  /** Releases a handle this agent holds; it goes into quarantine. */
  async release(handle: string): Promise<EndedHandle> {
    const name = await withClientErrors(() => normalizeHandle(handle));
    const statement = await this.#statement("release", name, {});
    return this.#post(`/v1/handles/${name}/release`, { statement });
  }

  /** Revokes a handle (the relay's operators only). */
  async revoke(handle: string, reason: string): Promise<EndedHandle> {
    const name = await withClientErrors(() => normalizeHandle(handle));
    const statement = await this.#statement("revoke", name, { reason });
    return this.#post(`/v1/handles/${name}/revoke`, { statement });
  }

  async #statement(
    act: HandleAction,
    handle: string,
    own: { seed?: string; to?: string; offer?: string; reason?: string },
  ): Promise<string> {
    const session = await this.#agent.session();
    const { did, origin } = await this.#agent.relay.discover();
    const path = act === "claim" ? "/v1/handles" : `/v1/handles/${handle}/${act}`;
    return withClientErrors(() =>
      signHandleStatement(
        { iss: this.#agent.did, aud: did, act, handle, htm: "POST", htu: origin + path, ...own },
        { signer: session.signer, now: this.#now() },
      ),
    );
  }

  async #post<T>(path: string, body: { statement: string }): Promise<T> {
    const { token } = await this.#agent.session();
    return this.#agent.relay.request("POST", path, { body, token });
  }

  async #send(path: string, body: object, handle: string): Promise<ResolvedHandle> {
    const { token } = await this.#agent.session();
    const answer = await this.#agent.relay.request<ResolvedHandle>("POST", path, { body, token });
    return verifiedResolution(this.#agent.relay, answer, handle, this.#now());
  }
}
