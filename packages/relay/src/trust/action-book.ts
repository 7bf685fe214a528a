/** An action the relay authorized, as outcome reports are checked against it. */
export interface AuthorizedAction {
  /** The agent that acted: the only agent an outcome of this action can be about. */
  actor: string;
  /** Who may report its outcome: the principal and every issuer in the chain. */
  parties: readonly string[];
  at: number;
}

/**
 * Recently authorized actions by invocation hash, so an outcome report can be checked against
 * what the relay actually allowed (docs/spec/trust.md 3.4). Bounded: the oldest entry goes first
 * when full, and an entry older than the window is no longer found. In memory: outcomes of
 * actions authorized before a restart of this relay instance cannot be reported.
 *
 * @example
 * const book = new ActionBook({ capacity: 100_000, windowSeconds: 86_400 });
 * book.remember(hash, { actor, parties: [principal], at: now });
 * book.find(hash, now)?.actor;
 */
export class ActionBook {
  readonly #capacity: number;
  readonly #windowSeconds: number;
  readonly #actions = new Map<string, AuthorizedAction>();

  constructor(options: { capacity: number; windowSeconds: number }) {
    this.#capacity = options.capacity;
    this.#windowSeconds = options.windowSeconds;
  }

  /** Remembers an allowed invocation. */
  remember(invocationHash: string, action: AuthorizedAction): void {
    this.#actions.delete(invocationHash);
    this.#actions.set(invocationHash, action);
    if (this.#actions.size > this.#capacity) {
      const oldest = this.#actions.keys().next().value;
      if (oldest !== undefined) this.#actions.delete(oldest);
    }
  }

  /** The action, while it is within the reporting window. */
  find(invocationHash: string, now: number): AuthorizedAction | undefined {
    const action = this.#actions.get(invocationHash);
    return action !== undefined && now - action.at <= this.#windowSeconds ? action : undefined;
  }
}
