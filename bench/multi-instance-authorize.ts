/**
 * `POST /v1/authorize` throughput with two relay instances on one PostgreSQL against one
 * instance (issue "Several relay instances"), in the same run: each instance is its own
 * `ants relay start --database-url` process serving one public URL, as behind a load balancer;
 * the same warm three-hop chain and a fresh invocation per request as bench/authorize-load.ts.
 * With one instance all connections go to it; with two, half go to each, and the throughput is
 * the sum.
 *
 *   ANTS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     node --import tsx bench/multi-instance-authorize.ts [--duration 8] [--connections 16]
 *       [--rounds 2] [--json]
 *
 * Target: at least 1.7 times with two instances, on a machine with a core per instance plus the
 * load generator and the database. Every process here shares the machine's cores, so the ratio
 * this machine allows is bounded by its cores, not by the relay: the output names the cores.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import pg from "pg";
import { type AuthorizeFixture, authorizeFixture } from "./authorize-load/fixtures.ts";
import { type RelayUnderTest, startRelay } from "./soak/soak-relay.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "8" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "2" },
    json: { type: "boolean", default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const DATABASE = process.env.ANTS_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const PUBLIC_URL = "http://relay.bench.invalid";
const schema = `ants_bench_${randomBytes(4).toString("hex")}`;

// Every instance serves one public URL on one schema, as behind a load balancer; the first
// creates the relay's key in the shared data directory and the schema, the second loads both.
function startInstance(dataDir: string): Promise<RelayUnderTest> {
  const url = new URL(DATABASE);
  url.searchParams.set("schema", schema);
  const extra = ["--public-url", PUBLIC_URL, "--database-url", url.toString()];
  return startRelay("multi-instance", extra, { data: dataDir });
}

function load(url: string, fixture: AuthorizeFixture, connections: number): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration: DURATION,
    requests: [
      {
        method: "POST",
        path: "/v1/authorize",
        headers: { "content-type": "application/json", authorization: fixture.authorization },
        setupRequest: (request) => ({ ...request, body: fixture.body() }),
      },
    ],
  });
}

interface Measured {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

// Connections are split evenly across the instances; throughput adds up, p99 is the worst.
async function measure(targets: readonly [RelayUnderTest, AuthorizeFixture][]): Promise<Measured> {
  const share = Math.max(1, Math.floor(CONNECTIONS / targets.length));
  const results = await Promise.all(targets.map(([i, fixture]) => load(i.url, fixture, share)));
  return {
    requestsPerSecond: results.reduce((sum, r) => sum + r.requests.average, 0),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

function median(list: readonly number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const dataDir = mkdtempSync(join(tmpdir(), "ants-bench-multi-"));
const instances: RelayUnderTest[] = [];
const rounds: { one: Measured; two: Measured; ratio: number }[] = [];
try {
  // The first instance creates the relay's key and the schema; the second loads both.
  instances.push(await startInstance(dataDir));
  instances.push(await startInstance(dataDir));
  const fixtures = await Promise.all(instances.map((i) => authorizeFixture(i.url)));
  const pairs = instances.map((i, n) => [i, fixtures[n]!] as [RelayUnderTest, AuthorizeFixture]);
  for (let round = 0; round < ROUNDS; round++) {
    const one = await measure(pairs.slice(0, 1));
    const two = await measure(pairs);
    rounds.push({ one, two, ratio: two.requestsPerSecond / one.requestsPerSecond });
  }
} finally {
  await Promise.all(instances.map((instance) => instance.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: DATABASE });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}

const ratios = rounds.map((r) => r.ratio);
const summary = {
  machine: { cores: cpus().length, node: process.version, load: loadavg() },
  connections: CONNECTIONS,
  durationSeconds: DURATION,
  rounds,
  oneInstancePerSecond: median(rounds.map((r) => r.one.requestsPerSecond)),
  twoInstancesPerSecond: median(rounds.map((r) => r.two.requestsPerSecond)),
  ratio: median(ratios),
  spread: (Math.max(...ratios) - Math.min(...ratios)) / median(ratios),
  failures: rounds.reduce(
    (n, r) => n + r.one.non2xx + r.one.errors + r.two.non2xx + r.two.errors,
    0,
  ),
};
if (values.json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(`node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
  for (const [n, r] of rounds.entries()) {
    console.log(
      `round ${n + 1}: one ${r.one.requestsPerSecond.toFixed(0)}/s (p99 ${r.one.p99Ms} ms), ` +
        `two ${r.two.requestsPerSecond.toFixed(0)}/s (p99 ${r.two.p99Ms} ms), ` +
        `ratio ${r.ratio.toFixed(2)}`,
    );
  }
  console.log(
    `two instances / one: ${summary.ratio.toFixed(2)} (spread ${(summary.spread * 100).toFixed(0)}%), ` +
      `non-2xx or errors: ${summary.failures}`,
  );
}
