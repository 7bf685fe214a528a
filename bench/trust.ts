/**
 * The trust engine (docs/spec/trust.md): the level lookup the authorize path does, the vouch
 * flow's recomputation at 100,000 vouch edges, one incremental update, and the seeded
 * simulation at 10,000 fakes. Each figure has a reference measured in the same run.
 *
 *   node --import tsx bench/trust.ts [--edges 100000] [--fakes 10000] [--lookups 5000000]
 *     [--json]
 *
 * Targets (issue "Trust levels and sandbox"): lookup under 1 us; recomputation at 100,000
 * edges under 1 s.
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { resolveTrustConfig } from "../packages/relay/src/trust/trust-config.ts";
import { TrustEngine } from "../packages/relay/src/trust/trust-engine.ts";

const { values } = parseArgs({
  options: {
    edges: { type: "string", default: "100000" },
    fakes: { type: "string", default: "10000" },
    lookups: { type: "string", default: "5000000" },
    json: { type: "boolean", default: false },
  },
});
const EDGES = Number(values.edges);
const FAKES = Number(values.fakes);
const LOOKUPS = Number(values.lookups);
const T0 = 1_767_225_600;
const DAY = 86_400;

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const name = (kind: string, i: number) => `did:sim:${kind}-${i}`;

/** A world of `agents` agents with `edges` random vouches, 5 seeds among them. */
function vouchWorld(agents: number, edges: number): TrustEngine {
  const seeds = [0, 1, 2, 3, 4].map((i) => name("agent", i));
  const engine = new TrustEngine(resolveTrustConfig({ seeds }));
  const random = seededRandom(42);
  for (let i = 0; i < agents; i++) engine.know(name("agent", i), T0 - 60 * DAY, 1);
  for (let e = 0; e < edges; e++) {
    const voucher = name("agent", Math.floor(random() * agents));
    const vouchee = name("agent", Math.floor(random() * agents));
    engine.addVouch({
      hash: `edge-${e}`,
      voucher,
      vouchee,
      level: 1 + Math.floor(random() * 4),
      issuedAt: T0,
      expiresAt: T0 + 90 * DAY,
    });
  }
  return engine;
}

function nsPerOp(run: () => void, ops: number): number {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / ops;
}

// This process's CPU time since `since`: steadier than wall-clock time on a shared machine.
function cpuMillis(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

// The authorize path's lookup, next to a bare Map.get over the same keys.
function measureLookup(engine: TrustEngine, agents: string[]) {
  const bare = new Map(agents.map((agent) => [agent, 1]));
  let sink = 0;
  const lookups: number[] = [];
  const maps: number[] = [];
  for (let run = 0; run < 5; run++) {
    lookups.push(
      nsPerOp(() => {
        for (let i = 0; i < LOOKUPS; i++) sink += engine.levelOf(agents[i % agents.length]!);
      }, LOOKUPS),
    );
    maps.push(
      nsPerOp(() => {
        for (let i = 0; i < LOOKUPS; i++) sink += bare.get(agents[i % agents.length]!) ?? 0;
      }, LOOKUPS),
    );
  }
  if (sink < 0) console.log(sink);
  return { lookupNanoseconds: median(lookups), mapGetNanoseconds: median(maps) };
}

// Recomputation after a change to the graph: the flow at every level, then the touched agents.
function measureRecompute(engine: TrustEngine, agents: string[]) {
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  // The first runs warm the JIT up; the last five are measured.
  for (let run = 0; run < 8; run++) {
    engine.addVouch({
      hash: `extra-${run}`,
      voucher: agents[run]!,
      vouchee: agents[agents.length - 1 - run]!,
      level: 4,
      issuedAt: T0 + run,
      expiresAt: T0 + 90 * DAY,
    });
    const start = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    engine.refresh(T0 + run);
    if (run >= 3) {
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      cpuSamples.push(cpuMillis(cpu));
    }
  }
  // Reference: one breadth-first pass over the same edges, the least any flow must do.
  const adjacency = new Map<string, string[]>();
  for (const agent of agents) adjacency.set(agent, []);
  for (let e = 0; e < EDGES; e++) {
    const edge = engine.graph.get(`edge-${e}`);
    if (edge !== undefined) adjacency.get(edge.voucher)!.push(edge.vouchee);
  }
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const seen = new Set<string>(agents.slice(0, 5));
  const queue = agents.slice(0, 5);
  for (let head = 0; head < queue.length; head++) {
    for (const next of adjacency.get(queue[head]!)!) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  const bfsMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    recomputeMilliseconds: median(samples),
    recomputeCpuMilliseconds: median(cpuSamples),
    bfsMilliseconds: bfsMs,
    bfsCpuMilliseconds: cpuMillis(cpu),
    liveEdges: engine.graph.size,
  };
}

// One outcome report and the refresh of the one agent it touched.
function measureIncremental(engine: TrustEngine, agents: string[]) {
  engine.refresh(T0 + 10, { all: true });
  const ops = 20_000;
  const micros =
    nsPerOp(() => {
      for (let i = 0; i < ops; i++) {
        engine.recordOutcome({
          subject: agents[i % agents.length]!,
          reporter: agents[(i + 1) % agents.length]!,
          success: true,
          weight: 1,
          at: T0 + 10,
        });
        engine.refresh(T0 + 10);
      }
    }, ops) / 1000;
  return { incrementalMicroseconds: micros };
}

// The seeded simulation: fakes vouch, report and heartbeat among themselves; g honest vouchers.
function simulate(fakes: number, honestVouchers: number) {
  const seeds = [0, 1, 2].map((i) => name("seed", i));
  const reporters = [0, 1, 2, 3, 4].map((i) => name("reporter", i));
  const pinned = Object.fromEntries([...seeds, ...reporters].map((did) => [did, 4]));
  const engine = new TrustEngine(
    resolveTrustConfig({
      seeds,
      pinned,
      uptime: { slotSeconds: 3600, windowSeconds: 7 * DAY },
      thresholds: { evidence: [0, 0.7, 0.85, 0.95] },
    }),
  );
  const random = seededRandom(fakes + honestVouchers);
  const start = process.hrtime.bigint();
  const all = Array.from({ length: fakes }, (_, i) => name("fake", i));
  for (const fake of all) {
    engine.know(fake, T0 - 60 * DAY, 1);
    engine.setStake(fake, 1000);
    for (let at = T0 - 7 * DAY; at <= T0 + 5 * DAY; at += 3600) engine.recordHeartbeat(fake, at);
  }
  let hash = 0;
  for (const fake of all) {
    for (let k = 0; k < 5; k++) {
      const other = all[Math.floor(random() * fakes)]!;
      if (other === fake) continue;
      engine.addVouch({
        hash: `v${hash++}`,
        voucher: fake,
        vouchee: other,
        level: 4,
        issuedAt: T0,
        expiresAt: T0 + 90 * DAY,
      });
      const weight = engine.reporterWeight(fake);
      engine.recordOutcome({ subject: other, reporter: fake, success: true, weight, at: T0 });
    }
  }
  for (let g = 0; g < honestVouchers; g++) {
    // Each honest voucher at distance 1 from a seed (capacity 200), vouching for one fake.
    const honest = name("honest", g);
    engine.know(honest, T0 - 60 * DAY, 1);
    engine.addVouch({
      hash: `h${g}`,
      voucher: seeds[0]!,
      vouchee: honest,
      level: 4,
      issuedAt: T0,
      expiresAt: T0 + 90 * DAY,
    });
    engine.addVouch({
      hash: `hf${g}`,
      voucher: honest,
      vouchee: all[g]!,
      level: 4,
      issuedAt: T0,
      expiresAt: T0 + 90 * DAY,
    });
  }
  for (let day = 0; day <= 5; day++) engine.refresh(T0 + day * DAY, { all: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const risen = all.filter((fake) => engine.levelOf(fake) > 0).length;
  return { fakes, honestVouchers, risen, bound: honestVouchers * 199, seconds };
}

const agentCount = Math.max(10, Math.floor(EDGES / 5));
const world = vouchWorld(agentCount, EDGES);
world.refresh(T0, { all: true });
const agents = Array.from({ length: agentCount }, (_, i) => name("agent", i));
const result = {
  loadAverage: loadavg()[0] ?? 0,
  agents: agentCount,
  edges: EDGES,
  ...measureLookup(world, agents),
  ...measureRecompute(world, agents),
  ...measureIncremental(world, agents),
  simulation: [simulate(FAKES, 0), simulate(FAKES, 3)],
};

if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `trust engine: ${result.agents} agents, ${result.liveEdges} live vouch edges (load ${result.loadAverage.toFixed(1)})`,
  );
  console.log(
    `  level lookup: ${result.lookupNanoseconds.toFixed(1)} ns (bare Map.get ${result.mapGetNanoseconds.toFixed(1)} ns); target < 1000 ns`,
  );
  console.log(
    `  recompute after a vouch: ${result.recomputeMilliseconds.toFixed(1)} ms wall, ${result.recomputeCpuMilliseconds.toFixed(1)} ms CPU (one BFS ${result.bfsMilliseconds.toFixed(1)} ms, ${result.bfsCpuMilliseconds.toFixed(1)} ms CPU); target < 1000 ms`,
  );
  console.log(
    `  one outcome + incremental refresh: ${result.incrementalMicroseconds.toFixed(2)} us`,
  );
  for (const run of result.simulation) {
    console.log(
      `  simulation: ${run.fakes} fakes, ${run.honestVouchers} honest vouchers: ${run.risen} rose (bound ${run.bound}) in ${run.seconds.toFixed(1)} s`,
    );
  }
}
