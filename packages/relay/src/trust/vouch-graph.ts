import { computeVouchLevels } from "./vouch-flow.ts";

/** One vouch as the graph keeps it. */
export interface VouchEdge {
  /** Token hash of the vouch statement. */
  hash: string;
  voucher: string;
  vouchee: string;
  level: number;
  issuedAt: number;
  expiresAt: number;
}

/** A held vouch with its endpoints' integer ids. */
interface HeldEdge {
  edge: VouchEdge;
  from: number;
  to: number;
}

/** What the flow needs besides the edges. */
export interface FlowSettings {
  seeds: readonly string[];
  capacities: readonly number[];
  /** Share of capacity kept by an agent (penalised voucher below 1, revoked agent 0). */
  capacityShare: (agent: string) => number;
}

/**
 * The live vouches: one per voucher and vouchee (a newer vouch replaces an older one), dropped
 * when they expire or their statement is revoked. Agents get small integer ids so the flow runs
 * over typed arrays.
 *
 * @example
 * const graph = new VouchGraph();
 * graph.add(edge);
 * const levels = graph.computeLevels(settings, now); // Map agent -> vouch level
 */
export class VouchGraph {
  readonly #byHash = new Map<string, HeldEdge>();
  readonly #byPair = new Map<string, HeldEdge>();
  readonly #byVouchee = new Map<string, Set<HeldEdge>>();
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];

  /** Live edges. */
  get size(): number {
    return this.#byPair.size;
  }

  /** Adds a vouch; false when an equal or newer vouch of the same pair is already held. */
  add(edge: VouchEdge): boolean {
    const pair = `${edge.voucher} ${edge.vouchee}`;
    const held = this.#byPair.get(pair)?.edge;
    if (held !== undefined && held.issuedAt > edge.issuedAt) return false;
    if (held?.hash === edge.hash) return false;
    if (held !== undefined) this.remove(held.hash);
    // Integer ids are resolved once here, so the flow never looks a DID up.
    const entry = { edge, from: this.#idOf(edge.voucher), to: this.#idOf(edge.vouchee) };
    this.#byPair.set(pair, entry);
    this.#byHash.set(edge.hash, entry);
    let incoming = this.#byVouchee.get(edge.vouchee);
    if (incoming === undefined) {
      incoming = new Set();
      this.#byVouchee.set(edge.vouchee, incoming);
    }
    incoming.add(entry);
    return true;
  }

  /** Drops the vouch with this statement hash; true when it was held. */
  remove(hash: string): boolean {
    const entry = this.#byHash.get(hash);
    if (entry === undefined) return false;
    const { edge } = entry;
    this.#byHash.delete(hash);
    this.#byPair.delete(`${edge.voucher} ${edge.vouchee}`);
    const incoming = this.#byVouchee.get(edge.vouchee);
    incoming?.delete(entry);
    if (incoming?.size === 0) this.#byVouchee.delete(edge.vouchee);
    return true;
  }

  /** The vouch with this hash, if held. */
  get(hash: string): VouchEdge | undefined {
    return this.#byHash.get(hash)?.edge;
  }

  /** Every agent that vouches for `vouchee` now. */
  vouchersOf(vouchee: string, now: number): string[] {
    const found: string[] = [];
    for (const { edge } of this.#byVouchee.get(vouchee) ?? []) {
      if (edge.expiresAt > now) found.push(edge.voucher);
    }
    return found;
  }

  /** Every agent some live vouch names as its vouchee. */
  vouchees(): Set<string> {
    return new Set(this.#byVouchee.keys());
  }

  /** Drops expired vouches; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const { edge } of this.#byPair.values()) {
      if (edge.expiresAt <= now) dropped += this.remove(edge.hash) ? 1 : 0;
    }
    return dropped;
  }

  /** The earliest expiry among live vouches, or Infinity. */
  nextExpiry(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const { edge } of this.#byPair.values()) next = Math.min(next, edge.expiresAt);
    return next;
  }

  /** Every agent's vouch level (agents at 0 left out), by the flow of vouch-flow.ts. */
  computeLevels(settings: FlowSettings, now: number): Map<string, number> {
    for (const seed of settings.seeds) this.#idOf(seed);
    const nodeCount = this.#names.length;
    const live = [...this.#byPair.values()].filter(({ edge }) => edge.expiresAt > now);
    const offsets = new Int32Array(nodeCount + 1);
    for (const { from } of live) offsets[from + 1]!++;
    for (let i = 0; i < nodeCount; i++) offsets[i + 1]! += offsets[i]!;
    const targets = new Int32Array(live.length);
    const levels = new Uint8Array(live.length);
    const fill = offsets.slice(0, nodeCount);
    for (const { edge, from, to } of live) {
      const at = fill[from]!++;
      targets[at] = to;
      levels[at] = edge.level;
    }
    const names = this.#names;
    // One lookup per agent, not one per edge visited.
    const shares = Float64Array.from(names, (agent) => settings.capacityShare(agent));
    const computed = computeVouchLevels({
      nodeCount,
      offsets,
      targets,
      levels,
      seeds: settings.seeds.map((seed) => this.#idOf(seed)),
      capacities: settings.capacities,
      capacityShare: (node) => shares[node]!,
    });
    const result = new Map<string, number>();
    computed.forEach((level, node) => {
      if (level > 0) result.set(names[node]!, level);
    });
    return result;
  }

  #idOf(agent: string): number {
    let id = this.#ids.get(agent);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(agent, id);
      this.#names.push(agent);
    }
    return id;
  }
}
