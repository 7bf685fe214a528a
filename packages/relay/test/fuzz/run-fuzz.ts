// `npm run fuzz`: the long fuzz run (issue 13). At least 100,000 cases in one process: hostile
// requests to every route of the relay's OpenAPI document, and hostile inputs to every parser.
// Invariants: a 2xx or a coded 4xx, never a 5xx or a hang; parsers throw only coded errors;
// the heap, measured after garbage collection, stays within a bound. Exits 1 on any fault,
// printing the seed and path fast-check needs to replay it.
//
//   ANTS_FUZZ_HTTP_RUNS (default 60000), ANTS_FUZZ_PARSER_RUNS per parser (default 2000),
//   ANTS_FUZZ_SEED, ANTS_FUZZ_MAX_HEAP_GROWTH_MB (default 128).
import fc from "fast-check";
import { parserProperty } from "../../../protocol/test/fuzz/parser-property.ts";
import { parserTargets } from "../../../protocol/test/fuzz/parser-targets.ts";
import { rootFor, startAttackWorld } from "../attacks/attack-world.ts";
import { hostileRequest } from "./hostile-requests.ts";
import { type CaseSession, checkHttpCase } from "./http-case.ts";
import { routesFromOpenApi } from "./openapi-routes.ts";

const HTTP_RUNS = Number(process.env.ANTS_FUZZ_HTTP_RUNS ?? 60_000);
const PARSER_RUNS = Number(process.env.ANTS_FUZZ_PARSER_RUNS ?? 2_000);
const SEED = Number(process.env.ANTS_FUZZ_SEED ?? Date.now() % 2 ** 31);
const MAX_HEAP_GROWTH_MB = Number(process.env.ANTS_FUZZ_MAX_HEAP_GROWTH_MB ?? 128);
const SLICES = 10;

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error("run with node --expose-gc (npm run fuzz does)");

function heapMb(): number {
  collect!();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function report<T>(name: string, result: fc.RunDetails<T>): boolean {
  if (!result.failed) return true;
  console.error(`FAULT in ${name}: ${fc.defaultReportMessage(result)}`);
  console.error(result.errorInstance);
  console.error(`replay: ANTS_FUZZ_SEED=${result.seed} (path ${result.counterexamplePath})`);
  return false;
}

async function fuzzParsers(): Promise<{ cases: number; ok: boolean }> {
  let cases = 0;
  let ok = true;
  for (const target of await parserTargets()) {
    const result = await fc.check(parserProperty(target), { numRuns: PARSER_RUNS, seed: SEED });
    cases += result.numRuns;
    ok = report(`parser ${target.name}`, result) && ok;
  }
  return { cases, ok };
}

async function fuzzHttp(): Promise<{ cases: number; ok: boolean; heap: number[]; routes: number }> {
  const world = await startAttackWorld({ preAuthFailuresPerMinute: 1_000_000 });
  try {
    const kevin = await world.agent();
    const { root } = rootFor(world, kevin);
    const samples = [root, kevin.did, kevin.registration(), kevin.session, kevin.proof("GET", "/")];
    const routes = await routesFromOpenApi(world.relay.app);
    // Half the cases carry kevin's live session and a fresh proof, to reach the routes' logic.
    const session: CaseSession = {
      credentials: (method, path) => ({
        authorization: `DPoP ${kevin.session}`,
        dpop: kevin.proof(method, path),
      }),
      nonce: (value) => kevin.nonces.set(world.relay.url, value),
    };
    const property = fc.asyncProperty(hostileRequest(routes, samples), async (request) => {
      await checkHttpCase(world.relay.app, world.relay.url, request, session);
    });
    const heap = [heapMb()];
    let cases = 0;
    for (let slice = 0; slice < SLICES; slice++) {
      const numRuns = Math.ceil(HTTP_RUNS / SLICES);
      const result = await fc.check(property, { numRuns, seed: SEED + slice });
      cases += result.numRuns;
      heap.push(heapMb());
      if (!report("HTTP", result)) return { cases, ok: false, heap, routes: routes.length };
    }
    return { cases, ok: true, heap, routes: routes.length };
  } finally {
    await world.close();
  }
}

const started = performance.now();
const parsers = await fuzzParsers();
const parserSeconds = (performance.now() - started) / 1000;
const http = await fuzzHttp();
const seconds = (performance.now() - started) / 1000;
// Growth is measured from the end of the first slice: the relay's caches fill during it.
const growth = http.heap[http.heap.length - 1]! - http.heap[Math.min(1, http.heap.length - 1)]!;
const heapOk = growth <= MAX_HEAP_GROWTH_MB;

console.log(`seed ${SEED}`);
console.log(`parsers: ${parsers.cases} cases in ${parserSeconds.toFixed(1)} s`);
console.log(
  `HTTP: ${http.cases} cases over ${http.routes} routes in ${(seconds - parserSeconds).toFixed(1)} s`,
);
console.log(`heap after gc per slice (MB): ${http.heap.map((mb) => mb.toFixed(1)).join(" ")}`);
console.log(
  `heap growth after the first slice: ${growth.toFixed(1)} MB (bound ${MAX_HEAP_GROWTH_MB})`,
);
console.log(`total: ${parsers.cases + http.cases} cases in ${seconds.toFixed(1)} s`);
const ok = parsers.ok && http.ok && heapOk;
console.log(ok ? "fuzz: no fault" : "fuzz: FAULTS FOUND");
process.exit(ok ? 0 : 1);
