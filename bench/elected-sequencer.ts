/**
 * The elected audit sequencer on PostgreSQL (issue 10): what a hand-off costs. Two audit logs on
 * one schema, as two relay instances run them: A holds the sequencer lock and appends directly
 * (the reference), B hands its entries to A through log_queue and answers once A's batch is
 * durable. Both are measured in the same run, interleaved, one append at a time (latency) and in
 * bursts of concurrent appends (throughput). Over loopback.
 *
 *   ANTS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     node --import tsx bench/elected-sequencer.ts [--trials 300] [--burst 64] [--json]
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createSigner, didFromPublicKey, generateKeyPair } from "@ants/protocol";
import pg from "pg";
import { AuditLog } from "../packages/relay/src/audit-log/audit-log.ts";
import { openPostgresStore } from "../packages/relay/src/store/postgres/postgres-store.ts";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "300" },
    burst: { type: "string", default: "64" },
    json: { type: "boolean", default: false },
  },
});
const TRIALS = Number(values.trials);
const BURST = Number(values.burst);
const URL = process.env.ANTS_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `ants_bench_${randomBytes(4).toString("hex")}`;
const signer = createSigner(generateKeyPair().seed);
const relay = didFromPublicKey(signer.publicKey);
const agents = Array.from({ length: 16 }, () =>
  didFromPublicKey(createSigner(generateKeyPair().seed).publicKey),
);

async function instance() {
  const store = await openPostgresStore(URL, { schema, createSchema: true, max: 4 });
  const log = await AuditLog.open({
    store: store.log,
    relay,
    signer,
    origin: () => "relay.bench",
    now: () => Math.floor(Date.now() / 1000),
    election: store,
  });
  return { store, log };
}

function append(log: AuditLog, n: number) {
  const agent = agents[n % agents.length]!;
  return log.appendEvent({
    event: "identity",
    action: "session-opened",
    subject: agent,
    actor: agent,
  });
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(at(1)) };
}

const a = await instance();
const b = await instance();
if (!a.log.isSequencer || b.log.isSequencer) throw new Error("expected A to hold the lock");
const latency = { holder: [] as number[], handOff: [] as number[] };
for (let i = 0; i < TRIALS; i++) {
  for (const [name, log] of [
    ["holder", a.log],
    ["handOff", b.log],
  ] as const) {
    const started = performance.now();
    await append(log, i);
    latency[name].push(performance.now() - started);
  }
}
const throughput = { holder: [] as number[], handOff: [] as number[] };
for (let round = 0; round < 5; round++) {
  for (const [name, log] of [
    ["holder", a.log],
    ["handOff", b.log],
  ] as const) {
    const started = performance.now();
    await Promise.all(Array.from({ length: BURST }, (_, i) => append(log, i)));
    throughput[name].push(BURST / ((performance.now() - started) / 1000));
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const result = {
  trials: TRIALS,
  burst: BURST,
  latencyMs: { holder: summary(latency.holder), handOff: summary(latency.handOff) },
  appendsPerSecond: {
    holder: {
      median: Math.round(median(throughput.holder)),
      runs: throughput.holder.map(Math.round),
    },
    handOff: {
      median: Math.round(median(throughput.handOff)),
      runs: throughput.handOff.map(Math.round),
    },
  },
  handOffOverHolderP50: Math.round((median(latency.handOff) / median(latency.holder)) * 100) / 100,
  cpus: cpus().length,
  loadAverage: loadavg()[0],
};
await b.log.close();
await a.log.close();
await b.store.close();
await a.store.close();
const admin = new pg.Client({ connectionString: URL });
await admin.connect();
await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await admin.end();
if (values.json) console.log(JSON.stringify(result));
else console.log(JSON.stringify(result, null, 2));
