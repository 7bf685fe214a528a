/**
 * Remembers identifiers (a DPoP proof's or an invocation's `jti`, scoped by key or actor) for at
 * least `windowSeconds`, to refuse a second use. Two generations rotate every window: an id lives
 * between one and two windows, so the memory is bounded by the rate of accepted ids, and a check
 * is one or two set lookups. Time comes from the caller, so a frozen clock freezes rotation too.
 *
 * @example
 * const guard = new ReplayGuard(120);
 * guard.checkAndRemember(`${jkt}:${jti}`, now); // true the first time, false after
 */
export class ReplayGuard {
  readonly #windowSeconds: number;
  #current = new Set<string>();
  #previous = new Set<string>();
  #generationStart: number | undefined;

  constructor(windowSeconds: number) {
    this.#windowSeconds = windowSeconds;
  }

  /** Ids currently remembered. */
  get size(): number {
    return this.#current.size + this.#previous.size;
  }

  /** Records `id` and returns true, or returns false when it was seen within the window. */
  checkAndRemember(id: string, now: number): boolean {
    this.#rotate(now);
    if (this.#current.has(id) || this.#previous.has(id)) return false;
    this.#current.add(id);
    return true;
  }

  #rotate(now: number): void {
    if (this.#generationStart === undefined) this.#generationStart = now;
    const elapsed = now - this.#generationStart;
    if (elapsed < this.#windowSeconds) return;
    // After two windows without traffic, both generations are stale.
    this.#previous = elapsed >= 2 * this.#windowSeconds ? new Set() : this.#current;
    this.#current = new Set();
    this.#generationStart = now;
  }
}
