import { MAX_TRUST_LEVEL } from "./trust-config.ts";

/** The vouch graph in compressed rows: node i's edges are targets[offsets[i] .. offsets[i+1]). */
export interface VouchNetwork {
  nodeCount: number;
  offsets: Int32Array;
  targets: Int32Array;
  /** The vouch level (1 to 4) of each edge. */
  levels: Uint8Array;
  seeds: readonly number[];
  /** Node capacity by distance from the seeds; the last value continues past the list. */
  capacities: readonly number[];
  /**
   * The share of its capacity a node keeps, 0 to 1: below 1 for a penalised voucher, 0 for a
   * node that may neither be certified nor pass credit on (revoked for misbehaviour).
   */
  capacityShare?: (node: number) => number;
}

/**
 * The vouch gate of every node (docs/spec/trust.md 4.3): for each level k from 1 to 4, credit
 * flows from the seeds over the vouches of level k or higher, through Advogato's network (each
 * node holds a capacity that shrinks with its distance from the seeds, keeps one unit to be
 * certified, and passes the rest on). A node's value is the highest k whose flow certifies it;
 * seeds are certified at every level.
 *
 * The flow is computed in one pass per level, layer by layer away from the seeds: a node first
 * gives one unit to each successor one step further that has none yet, then fills successors
 * up to their capacity. It respects every capacity of the network, so the min-cut bound holds:
 * the nodes certified beyond a set of vouchers never exceed the sum of those vouchers'
 * capacities, however many nodes vouch for each other beyond them. O(levels x (nodes + edges)).
 *
 * @example
 * const levels = computeVouchLevels(network); // levels[i] in 0..4
 */
export function computeVouchLevels(network: VouchNetwork): Uint8Array {
  const levels = new Uint8Array(network.nodeCount);
  const scratch = {
    distance: new Int32Array(network.nodeCount),
    inflow: new Int32Array(network.nodeCount),
    order: new Int32Array(network.nodeCount),
  };
  for (let level = 1; level <= MAX_TRUST_LEVEL; level++) {
    const count = layerFromSeeds(network, level, scratch);
    flowInLayers(network, level, count, scratch);
    for (let i = 0; i < count; i++) {
      const node = scratch.order[i]!;
      if (scratch.inflow[node]! >= 1) levels[node] = level;
    }
  }
  return levels;
}

interface Scratch {
  distance: Int32Array;
  inflow: Int32Array;
  order: Int32Array;
}

// Breadth-first distances from the seeds over edges of `level` or higher; returns how many
// nodes were reached, listed in `order` by distance.
function layerFromSeeds(network: VouchNetwork, level: number, scratch: Scratch): number {
  const { distance, order } = scratch;
  distance.fill(-1);
  scratch.inflow.fill(0);
  let tail = 0;
  for (const seed of network.seeds) {
    if (distance[seed] !== -1) continue;
    distance[seed] = 0;
    order[tail++] = seed;
    scratch.inflow[seed] = capacityOf(network, seed, 0);
  }
  for (let head = 0; head < tail; head++) {
    const node = order[head]!;
    for (let e = network.offsets[node]!; e < network.offsets[node + 1]!; e++) {
      const next = network.targets[e]!;
      if (network.levels[e]! < level || distance[next] !== -1) continue;
      distance[next] = distance[node]! + 1;
      order[tail++] = next;
    }
  }
  return tail;
}

function flowInLayers(network: VouchNetwork, level: number, count: number, scratch: Scratch) {
  const { distance, inflow, order } = scratch;
  for (let i = 0; i < count; i++) {
    const node = order[i]!;
    const capacity = capacityOf(network, node, distance[node]!);
    // The unit a node keeps is what certifies it; the rest is what it can vouch with.
    let excess = Math.min(inflow[node]!, capacity) - 1;
    if (excess <= 0) continue;
    const from = network.offsets[node]!;
    const to = network.offsets[node + 1]!;
    const layer = distance[node]! + 1;
    for (let e = from; e < to && excess > 0; e++) {
      const next = network.targets[e]!;
      if (!isForward(network, e, level, distance, layer) || inflow[next] !== 0) continue;
      if (capacityOf(network, next, layer) === 0) continue;
      inflow[next] = 1;
      excess--;
    }
    for (let e = from; e < to && excess > 0; e++) {
      const next = network.targets[e]!;
      if (!isForward(network, e, level, distance, layer)) continue;
      const room = capacityOf(network, next, layer) - inflow[next]!;
      if (room <= 0) continue;
      const give = Math.min(room, excess);
      inflow[next]! += give;
      excess -= give;
    }
  }
}

function isForward(
  network: VouchNetwork,
  edge: number,
  level: number,
  distance: Int32Array,
  layer: number,
): boolean {
  return network.levels[edge]! >= level && distance[network.targets[edge]!] === layer;
}

function capacityOf(network: VouchNetwork, node: number, distance: number): number {
  const caps = network.capacities;
  const base = caps[Math.min(distance, caps.length - 1)]!;
  const share = network.capacityShare?.(node) ?? 1;
  if (share >= 1) return base;
  if (share <= 0) return 0;
  // A penalised voucher keeps its own unit: it loses what it can pass on, not its standing.
  return Math.max(1, Math.floor(base * share));
}
