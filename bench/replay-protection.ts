/**
 * What single use across instances costs (docs/spec/sessions.md 5), each figure beside a
 * reference measured in the same run:
 *
 * - the DPoP nonce check every authenticated request now makes (DpopNonces.accepts, with the
 *   current and with the previous window's nonce) beside the in-memory `jti` check it sits next
 *   to (ReplayGuard.checkAndRemember): no store round trip, nanoseconds;
 * - the invocation claim a relay on PostgreSQL makes per `POST /v1/authorize`
 *   (ReplayRepository.claimInvocation, one INSERT ... ON CONFLICT) beside the cheapest round trip
 *   on the same pool (`SELECT 1`), interleaved trial by trial.
 *
 *   ANTS_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     node --import tsx bench/replay-protection.ts [--trials 2000] [--json]
 *
 * Without a reachable database the PostgreSQL part is skipped with a note.
 */
import { randomBytes } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DpopNonces } from "../packages/relay/src/sessions/dpop-nonces.ts";
import { ReplayGuard } from "../packages/relay/src/sessions/replay-guard.ts";
import { run } from "../packages/relay/src/store/postgres/pg-pool.ts";
import { openPostgresStore } from "../packages/relay/src/store/postgres/postgres-store.ts";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "2000" },
    json: { type: "boolean", default: false },
  },
});
const TRIALS = Number(values.trials);
const URL = process.env.ANTS_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const ROUNDS = 7;
const PER_ROUND = 200_000;

interface Spread {
  p50: number;
  p99: number;
  min: number;
  max: number;
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), min: sorted[0]!, max: sorted.at(-1)! };
}

/** Nanoseconds per call, one sample per round of PER_ROUND calls. */
function perCall(body: (i: number) => unknown): number[] {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < PER_ROUND; i++) body(i);
    rounds.push(Number(process.hrtime.bigint() - start) / PER_ROUND);
  }
  return rounds;
}

const now = 1_767_225_630;
const nonces = new DpopNonces();
const current = nonces.current(now);
const previous = new DpopNonces();
// A nonce of the previous window from the same process: the slower, MAC-checking path.
const older = (() => {
  const n = nonces.current(now - 60);
  nonces.current(now);
  return n;
})();
const guard = new ReplayGuard(120);
// Keys as the relay forms them (`<jkt>:<jti>`); after the first round they are all seen.
const jtis = Array.from({ length: PER_ROUND }, () => `k:${randomBytes(16).toString("base64url")}`);

const inMemory = {
  nonceCurrent: spread(perCall(() => nonces.accepts(current, now))),
  noncePrevious: spread(perCall(() => nonces.accepts(older, now))),
  nonceForeign: spread(perCall(() => previous.accepts(current, now))),
  jtiReference: spread(perCall((i) => guard.checkAndRemember(jtis[i]!, now))),
};

let postgres: { claim: Spread; reference: Spread; ratio: number } | string;
try {
  const schema = `ants_bench_${randomBytes(4).toString("hex")}`;
  const store = await openPostgresStore(URL, { schema, createSchema: true, max: 2 });
  try {
    const claims: number[] = [];
    const selects: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const t0 = performance.now();
      await store.replay.claimInvocation(`did:key:z6Mk:${i}`, now + 120, now);
      const t1 = performance.now();
      await run(store.pool, "SELECT 1");
      const t2 = performance.now();
      claims.push(t1 - t0);
      selects.push(t2 - t1);
    }
    const claim = spread(claims);
    const reference = spread(selects);
    postgres = { claim, reference, ratio: claim.p50 / reference.p50 };
    await run(store.pool, `DROP SCHEMA ${schema} CASCADE`);
  } finally {
    await store.close();
  }
} catch (error) {
  postgres = `skipped: ${(error as Error).message}`;
}

const result = {
  machine: { cpus: cpus().length, loadavg: loadavg().map((v) => Number(v.toFixed(1))) },
  inMemoryNsPerCall: inMemory,
  postgresMs: postgres,
};
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const ns = (s: Spread) =>
    `median ${s.p50.toFixed(0)} ns (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
  console.log(`load average ${result.machine.loadavg.join(" ")} on ${result.machine.cpus} CPUs`);
  console.log(`nonce check, current window:   ${ns(inMemory.nonceCurrent)}`);
  console.log(`nonce check, previous window:  ${ns(inMemory.noncePrevious)}`);
  console.log(`nonce check, another instance: ${ns(inMemory.nonceForeign)}`);
  console.log(`jti check (reference):         ${ns(inMemory.jtiReference)}`);
  if (typeof postgres === "string") console.log(`PostgreSQL: ${postgres}`);
  else {
    const ms = (s: Spread) =>
      `p50 ${s.p50.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, max ${s.max.toFixed(3)} ms`;
    console.log(`invocation claim (${TRIALS} trials): ${ms(postgres.claim)}`);
    console.log(`SELECT 1 (reference):            ${ms(postgres.reference)}`);
    console.log(`claim / reference at p50: ${postgres.ratio.toFixed(2)}`);
  }
}
