/**
 * The figures of each benchmark, read from the JSON one run prints, each with the reference it
 * is compared with in that same run.
 */
import { numberAt, valueAt } from "./read-output.ts";
import type { Figure } from "./spec.ts";

const ratioOf = (value: number, reference: number) => value / reference;

/**
 * Figures of bench/audit-append.ts: durable appends next to raw batched SQLite inserts.
 *
 * @example
 * const figures = auditAppend(parseBenchOutput(stdout));
 */
export function auditAppend(output: unknown): Figure[] {
  const durable = numberAt(output, "sequencerPerSecond");
  const raw = numberAt(output, "rawPerSecond");
  const cpu = numberAt(output, "sequencerCpuMicrosPerEntry");
  const rawCpu = numberAt(output, "rawCpuMicrosPerEntry");
  return [
    {
      name: "audit append, durable entries per second",
      unit: "entries/s",
      value: durable,
      reference: { name: "raw batched SQLite insert, synchronous=FULL", value: raw },
      ratio: ratioOf(durable, raw),
    },
    {
      name: "audit append, CPU per entry",
      unit: "us",
      value: cpu,
      reference: { name: "raw batched SQLite insert CPU per entry", value: rawCpu },
      ratio: ratioOf(cpu, rawCpu),
    },
  ];
}

/**
 * Figures of bench/audit-proof.ts: proof times counted in raw SHA-256 node hashes.
 *
 * @example
 * const figures = auditProof(parseBenchOutput(stdout));
 */
export function auditProof(output: unknown): Figure[] {
  // One SHA-256 node hash (65 bytes) is the unit a proof's work is counted in.
  const nodeHashMicros = 1e6 / numberAt(output, "sha256.nodeHashesPerSecond");
  const reference = { name: "one raw SHA-256 node hash", value: nodeHashMicros };
  const size = numberAt(output, "size");
  const rows: [string, string][] = [
    ["inclusion proof, all levels in memory", "inclusionProofMicroseconds.memoryAllLevels.p50"],
    ["inclusion proof, tile rows, warm cache", "inclusionProofMicroseconds.tileRowsWarm.p50"],
    ["inclusion proof, tile rows, cold cache", "inclusionProofMicroseconds.tileRowsCold.p50"],
    ["consistency proof, all levels", "consistencyProofMicroseconds.p50"],
  ];
  return rows.map(([name, path]) => {
    const value = numberAt(output, path);
    return {
      name: `${name} at ${size} entries (p50)`,
      unit: "us",
      value,
      reference,
      ratio: ratioOf(value, nodeHashMicros),
    };
  });
}

/**
 * Figures of bench/chain-verify.ts: every row against one bare Ed25519 verify, plus overheads.
 *
 * @example
 * const figures = chainVerify(parseBenchOutput(stdout));
 */
export function chainVerify(output: unknown): Figure[] {
  if (!Array.isArray(output)) throw new Error("benchmark output: expected the table of rows");
  const bare = numberAt(output[0], "medianMicros");
  const figures: Figure[] = [];
  for (const row of output) {
    if (valueAt(row, "skipped") !== undefined) continue;
    const value = numberAt(row, "medianMicros");
    figures.push({
      name: String(valueAt(row, "name")),
      unit: "us CPU",
      value,
      reference: { name: "bare node:crypto Ed25519 verify", value: bare },
      ratio: numberAt(row, "ratioToBare"),
    });
    figures.push({
      name: `${String(valueAt(row, "name"))}, overhead beyond its signature checks`,
      unit: "us CPU",
      value: numberAt(row, "overheadMicros"),
    });
  }
  const four = output.find((row) => String(valueAt(row, "name")).startsWith("4 bare"));
  const cold = output.find((row) => String(valueAt(row, "name")).startsWith("ANTS cold"));
  if (four !== undefined && cold !== undefined) {
    const fourMicros = numberAt(four, "medianMicros");
    const coldMicros = numberAt(cold, "medianMicros");
    figures.push({
      name: "ANTS cold chain / its 4 bare verifies",
      unit: "us CPU",
      value: coldMicros,
      reference: { name: "4 bare verifies", value: fourMicros },
      ratio: ratioOf(coldMicros, fourMicros),
    });
  }
  return figures;
}

/**
 * Figures of bench/authorize-load.ts: the relay next to the plain Fastify + jose server.
 *
 * @example
 * const figures = authorizeLoad(parseBenchOutput(stdout));
 */
export function authorizeLoad(output: unknown): Figure[] {
  const connections = numberAt(output, "settings.connections");
  const plain = numberAt(output, "plain.requestsPerSecond");
  const reference = { name: "plain Fastify + jose EdDSA verifier", value: plain };
  const at = `at ${connections} connections`;
  const latency = (name: string, path: string, plainPath: string): Figure => {
    const value = numberAt(output, path);
    const base = numberAt(output, plainPath);
    return {
      name: `${name} ${at}`,
      unit: "ms",
      value,
      reference: { name: `plain server ${name}`, value: base },
      ratio: ratioOf(value, base),
    };
  };
  const relay = numberAt(output, "relay.requestsPerSecond");
  return [
    {
      name: `POST /v1/authorize throughput ${at}`,
      unit: "req/s",
      value: relay,
      reference,
      ratio: ratioOf(relay, plain),
    },
    latency("p50", "relay.p50Ms", "plain.p50Ms"),
    latency("p99", "relay.p99Ms", "plain.p99Ms"),
    // Each server process's own CPU per request (Linux /proc): steadier than rates under load.
    ...(typeof valueAt(output, "relay.cpuMicrosPerRequest") === "number"
      ? [
          {
            name: `POST /v1/authorize server CPU per request ${at}`,
            unit: "us",
            value: numberAt(output, "relay.cpuMicrosPerRequest"),
            reference: {
              name: "plain server CPU per request",
              value: numberAt(output, "plain.cpuMicrosPerRequest"),
            },
            ratio: ratioOf(
              numberAt(output, "relay.cpuMicrosPerRequest"),
              numberAt(output, "plain.cpuMicrosPerRequest"),
            ),
          },
        ]
      : []),
  ];
}

/**
 * Figures of bench/handle-pow.ts: claim verification against one bare SHA-256.
 *
 * @example
 * const figures = handlePow(parseBenchOutput(stdout));
 */
export function handlePow(output: unknown): Figure[] {
  const bare = numberAt(output, "bare.microseconds.p50");
  const reference = { name: "one bare SHA-256 (41 bytes), p50", value: bare };
  const p50 = numberAt(output, "verifyLong.microseconds.p50");
  const p99 = numberAt(output, "verifyLong.microseconds.p99");
  const perCpu = numberAt(output, "verifyLong.perCpuSecond");
  return [
    { name: "handle claim verification p50", unit: "us", value: p50, reference, ratio: p50 / bare },
    { name: "handle claim verification p99", unit: "us", value: p99, reference, ratio: p99 / bare },
    {
      name: "handle claim verifications per CPU second",
      unit: "1/s",
      value: perCpu,
      reference: { name: "bare SHA-256 per second", value: numberAt(output, "bare.perSecond") },
      ratio: perCpu / numberAt(output, "bare.perSecond"),
    },
    // A smoke run solves no full-difficulty puzzle, so it has no spread.
    ...(valueAt(output, "full.p95OverMedianCpu") === null
      ? []
      : [
          {
            name: "solve spread at default difficulty, p95/median CPU",
            unit: "x",
            value: numberAt(output, "full.p95OverMedianCpu"),
          },
        ]),
  ];
}

/**
 * Figures of bench/handle-registry.ts: request latencies (this benchmark has no peer to run).
 *
 * @example
 * const figures = handleRegistry(parseBenchOutput(stdout));
 */
export function handleRegistry(output: unknown): Figure[] {
  return ["resolve", "challenge", "claim"].flatMap((name): Figure[] => [
    { name: `handle ${name} p50 over HTTP`, unit: "ms", value: numberAt(output, `${name}.p50Ms`) },
    { name: `handle ${name} p99 over HTTP`, unit: "ms", value: numberAt(output, `${name}.p99Ms`) },
  ]);
}

/**
 * Figures of bench/revocation.ts: check cost growth from 10^3 to 10^6 ids, memory next to a Set.
 *
 * @example
 * const figures = revocation(parseBenchOutput(stdout));
 */
export function revocation(output: unknown): Figure[] {
  // The larger count is 10^6 in a full run, smaller in a smoke run; figures keep one name.
  const largeKey = Object.keys(output as object).find((k) => /^memory_\d+$/.test(k)) ?? "";
  const count = largeKey.slice("memory_".length);
  const small = numberAt(output, "check_1000.nanosPerChain");
  const large = numberAt(output, `check_${count}.nanosPerChain`);
  const set = numberAt(output, `${largeKey}.setBytesPerId`);
  const index = numberAt(output, `${largeKey}.indexBytesPerId`);
  return [
    { name: "revocation check per 3-hop chain, 10^3 ids", unit: "ns CPU", value: small },
    {
      name: "revocation check per 3-hop chain, 10^6 ids",
      unit: "ns CPU",
      value: large,
      reference: { name: "same check at 10^3 ids (growth)", value: small },
      ratio: large / small,
    },
    {
      name: "revocation memory per id at 10^6",
      unit: "bytes",
      value: index,
      reference: { name: "plain JavaScript Set of the ids", value: set },
      ratio: index / set,
    },
    {
      name: "acknowledged revocation to refusal (median)",
      unit: "ms",
      value: numberAt(output, "refusal.medianAckToRefusalMs"),
    },
  ];
}

/**
 * Figures of bench/trust.ts: the authorize path's level lookup next to a bare Map.get, the vouch
 * flow's recomputation next to one breadth-first pass over the same edges (CPU time), and the
 * fakes that rose in the 3-honest-voucher simulation against their bound.
 *
 * @example
 * const figures = trust(parseBenchOutput(stdout));
 */
export function trust(output: unknown): Figure[] {
  const lookup = numberAt(output, "lookupNanoseconds");
  const mapGet = numberAt(output, "mapGetNanoseconds");
  const recompute = numberAt(output, "recomputeCpuMilliseconds");
  const bfs = numberAt(output, "bfsCpuMilliseconds");
  const edges = numberAt(output, "edges");
  const fakes = numberAt(output, "simulation.1.fakes");
  const risen = numberAt(output, "simulation.1.risen");
  const bound = numberAt(output, "simulation.1.bound");
  return [
    {
      name: "trust level lookup on the authorize path",
      unit: "ns",
      value: lookup,
      reference: { name: "bare Map.get over the same agents", value: mapGet },
      ratio: ratioOf(lookup, mapGet),
    },
    {
      name: "trust recomputation after a vouch",
      unit: "ms CPU",
      value: recompute,
      reference: { name: `one breadth-first pass over the same ${edges} edges`, value: bfs },
      ratio: ratioOf(recompute, bfs),
    },
    {
      name: `fakes risen of ${fakes}, 3 honest vouchers`,
      unit: "agents",
      value: risen,
      reference: { name: "the 3 vouchers' capacity bound", value: bound },
      ratio: ratioOf(risen, bound),
    },
  ];
}

/**
 * Figures of bench/relay-memory.ts: what a relay holds (V8 heap plus typed arrays, after a full
 * collection) and its resident set at the largest size, next to the same relay empty, and the
 * held bytes per item at the largest size next to the smallest (flat means the relay's memory
 * is linear in what it holds, with no growing per-item overhead).
 *
 * @example
 * const figures = relayMemory(parseBenchOutput(stdout));
 */
export function relayMemory(output: unknown): Figure[] {
  const samples = valueAt(output, "samples");
  const last = Array.isArray(samples) ? samples.length - 1 : -1;
  const size = numberAt(output, `samples.${last}.size`);
  const smallest = numberAt(output, "samples.0.size");
  const held = numberAt(output, `samples.${last}.heapUsedBytes`);
  const emptyHeld = numberAt(output, "empty.heapUsedBytes");
  const rss = numberAt(output, `samples.${last}.rssBytes`);
  const emptyRss = numberAt(output, "empty.rssBytes");
  const perItem = numberAt(output, `samples.${last}.heapBytesPerItem`);
  const perItemSmall = numberAt(output, "samples.0.heapBytesPerItem");
  const MiB = 1024 * 1024;
  return [
    {
      name: `relay memory held at ${size} revocations and entries`,
      unit: "MiB",
      value: held / MiB,
      reference: { name: "the same relay empty", value: emptyHeld / MiB },
      ratio: held / emptyHeld,
    },
    {
      name: `relay resident set at ${size} revocations and entries`,
      unit: "MiB",
      value: rss / MiB,
      reference: { name: "the same relay empty", value: emptyRss / MiB },
      ratio: rss / emptyRss,
    },
    {
      name: "relay memory held per item at the largest size",
      unit: "bytes",
      value: perItem,
      reference: { name: `the same at ${smallest} (growth)`, value: perItemSmall },
      ratio: perItem / perItemSmall,
    },
  ];
}
