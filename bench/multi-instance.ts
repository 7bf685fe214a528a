/**
 * Several relay instances on one PostgreSQL (issue 10): revocation propagation between two
 * instances. Each instance is the relay's own machinery (a store with its own connection pool, a
 * RevocationSet, a RevocationFanout listening on its own connection), as `ants relay start
 * --database-url` runs it; instance A appends a revocation and the time is taken until instance B
 * has applied it (B refuses the revoked token from that moment on). Over loopback.
 *
 *   ANTS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     node --import tsx bench/multi-instance.ts [--trials 1000] [--json]
 *
 * Targets: p99 under 50 ms, max under 250 ms. Propagation is measured from the start of A's append
 * (an upper bound: the commit happens somewhere inside it) to B's apply; the time B still lagged
 * after A acknowledged, and the append alone, are reported beside it. Authorize throughput with two instances against one is not measured here.
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { RevocationFanout } from "../packages/relay/src/revocation/revocation-fanout.ts";
import { RevocationSet } from "../packages/relay/src/revocation/revocation-set.ts";
import { openPostgresStore } from "../packages/relay/src/store/postgres/postgres-store.ts";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "1000" },
    json: { type: "boolean", default: false },
  },
});
const TRIALS = Number(values.trials);
const URL = process.env.ANTS_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const schema = `ants_bench_${randomBytes(4).toString("hex")}`;

async function instance() {
  const store = await openPostgresStore(URL, { schema, createSchema: true, max: 4 });
  const set = await RevocationSet.load(store.revocations, { pollMs: 0 });
  const fanout = await RevocationFanout.start({ store, revocations: set });
  return { store, set, fanout };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const a = await instance();
const b = await instance();
const propagation: number[] = [];
const fromAck: number[] = [];
const append: number[] = [];
for (let i = 0; i < TRIALS; i++) {
  const target = `t${i}`;
  const applied = new Promise<number>((resolve) => {
    const stop = b.set.onApply((entry) => {
      if (entry.target !== target) return;
      stop();
      resolve(performance.now());
    });
  });
  const started = performance.now();
  await a.set.revoke({ kind: "token", target, reason: "bench", revoker: "did:key:zBench", at: 1 });
  const acknowledged = performance.now();
  append.push(acknowledged - started);
  const appliedAt = await applied;
  propagation.push(appliedAt - started);
  fromAck.push(Math.max(0, appliedAt - acknowledged));
}
for (const x of [a, b]) {
  await x.fanout.close();
  await x.set.close();
  await x.store.close();
}
const admin = new pg.Client({ connectionString: URL });
await admin.connect();
await admin.query(`DROP SCHEMA ${schema} CASCADE`);
await admin.end();

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((x, y) => x - y);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
  };
};
const result = {
  trials: TRIALS,
  propagationMs: summary(propagation),
  afterAcknowledgementMs: summary(fromAck),
  appendMs: summary(append),
  machine: { cpus: cpus().length, load: loadavg().map((x) => Math.round(x * 100) / 100) },
};
if (values.json) console.log(JSON.stringify(result));
else {
  const line = (name: string, x: { p50: number; p99: number; max: number }) =>
    console.log(`  ${name}: p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms`);
  console.log(`revocation propagation between two instances, ${TRIALS} trials (loopback)`);
  line("append started on A -> applied on B", result.propagationMs);
  line("acknowledged on A -> applied on B", result.afterAcknowledgementMs);
  line("append on A (commit + notify)", result.appendMs);
  console.log(`  machine: ${result.machine.cpus} cpus, load ${result.machine.load.join(" ")}`);
}
