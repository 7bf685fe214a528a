/**
 * Load on `POST /v1/authorize` for a warm three-hop chain, next to a plain Fastify server that
 * verifies one EdDSA JWT per request with jose (the same fresh signature work), over loopback,
 * in the same run. Each server runs in its own process; autocannon runs here and signs a fresh
 * invocation (or JWT) for every request, so neither server sees a replay.
 *
 *   node --import tsx bench/authorize-load.ts [--duration 10] [--connections 16]
 *     [--warmup 2] [--rounds 1] [--log-level info] [--json]
 *
 * With `--rounds N`, both servers stay up and are measured in turn N times (`--duration` seconds
 * each, the order swapped every round), so both see the same load from the rest of the machine;
 * the figures are the medians over the rounds and the ratio the median of the rounds' ratios.
 * Beside the rates, each server's own CPU time per request (from /proc, Linux only) is reported:
 * on a shared machine it moves far less than the rates do.
 *
 * The relay runs with its defaults: SQLite with synchronous=FULL, every decision durably in the
 * audit log before it is answered, an access token signed per allow, request logs at `info`
 * (to /dev/null here). Target: the relay at least 0.6 of the plain server's throughput.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { authorizeFixture, plainFixture } from "./authorize-load/fixtures.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    warmup: { type: "string", default: "2" },
    rounds: { type: "string", default: "1" },
    "log-level": { type: "string", default: "info" },
    json: { type: "boolean", default: false },
  },
});
const SERVERS = join(import.meta.dirname, "authorize-load", "servers.ts");

interface Measured {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  /** The server process's CPU time (user + system) per answered request, in us. */
  cpuMicrosPerRequest: number | null;
}

function startServer(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVERS, ...args], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.once("exit", (status) => reject(new Error(`server exited with ${status}: ${output}`)));
    const onData = (chunk: Buffer) => {
      output += String(chunk);
      const match = /listening on (\S+)/.exec(output);
      if (match === null) return;
      child.stderr!.off("data", onData).resume();
      child.removeAllListeners("exit");
      resolve({ url: match[1]!, child });
    };
    child.stderr!.on("data", onData);
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

async function load(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: () => string,
  duration: number,
): Promise<Result> {
  return autocannon({
    url,
    connections: Number(values.connections),
    duration,
    requests: [
      {
        method: "POST",
        path,
        headers: { "content-type": "application/json", ...headers },
        setupRequest: (request) => ({ ...request, body: body() }),
      },
    ],
  });
}

/** User + system CPU seconds of a process so far, from /proc (null elsewhere). */
function cpuSecondsOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // Fields 14 and 15 of stat (utime, stime), counted from the state field as 3, in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: () => string;
}

async function measure(server: Server): Promise<Measured> {
  const cpuBefore = cpuSecondsOf(server.child.pid);
  const result = await load(
    server.url,
    server.path,
    server.headers,
    server.body,
    Number(values.duration),
  );
  const cpuAfter = cpuSecondsOf(server.child.pid);
  const answered = result.requests.total;
  return {
    name: server.name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: answered,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMicrosPerRequest:
      cpuBefore === null || cpuAfter === null || answered === 0
        ? null
        : Math.round(((cpuAfter - cpuBefore) / answered) * 1e6),
  };
}

async function startPlain(): Promise<Server> {
  const fixture = plainFixture();
  const { url, child } = await startServer(["plain", fixture.publicKey]);
  return {
    name: "plain Fastify + jose, one EdDSA JWT",
    url,
    child,
    path: "/verify",
    headers: {},
    body: fixture.body,
  };
}

async function startRelay(dataDir: string): Promise<Server> {
  const { url, child } = await startServer(["relay", dataDir, values["log-level"]]);
  const fixture = await authorizeFixture(url);
  return {
    name: "relay POST /v1/authorize, warm 3-hop chain",
    url,
    child,
    path: "/v1/authorize",
    headers: { authorization: fixture.authorization },
    body: fixture.body,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of each figure over the rounds (the name and counts of the first round kept). */
function medianOf(rounds: readonly Measured[]): Measured {
  const of = (pick: (m: Measured) => number) => median(rounds.map(pick));
  const cpu = rounds.map((m) => m.cpuMicrosPerRequest);
  return {
    ...rounds[0]!,
    requestsPerSecond: of((m) => m.requestsPerSecond),
    p50Ms: of((m) => m.p50Ms),
    p99Ms: of((m) => m.p99Ms),
    total: rounds.reduce((sum, m) => sum + m.total, 0),
    non2xx: rounds.reduce((sum, m) => sum + m.non2xx, 0),
    errors: rounds.reduce((sum, m) => sum + m.errors, 0),
    cpuMicrosPerRequest: cpu.every((c) => c !== null) ? median(cpu as number[]) : null,
  };
}

const dataDir = mkdtempSync(join(tmpdir(), "ants-load-"));
const servers = [await startPlain(), await startRelay(dataDir)] as const;
const rounds: { plain: Measured; relay: Measured; ratio: number }[] = [];
let allowed = 0;
try {
  for (const server of servers) {
    await load(server.url, server.path, server.headers, server.body, Number(values.warmup));
  }
  for (let round = 0; round < Number(values.rounds); round++) {
    // Swapped every round, so neither server always runs first after a pause.
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    const measured: Measured[] = [];
    for (const at of order) measured[at] = await measure(servers[at]!);
    const [plainRound, relayRound] = measured as [Measured, Measured];
    rounds.push({
      plain: plainRound,
      relay: relayRound,
      ratio: relayRound.requestsPerSecond / plainRound.requestsPerSecond,
    });
  }
  const metrics = await (await fetch(`${servers[1].url}/metrics`)).text();
  allowed = Number(
    /ants_decisions_total\{result="allow",reason="none"\} (\d+)/.exec(metrics)?.[1] ?? 0,
  );
} finally {
  for (const server of servers) await stop(server.child);
  rmSync(dataDir, { recursive: true, force: true });
}
const plain = medianOf(rounds.map((r) => r.plain));
const relay = { ...medianOf(rounds.map((r) => r.relay)), allowed };
const ratio = median(rounds.map((r) => r.ratio));
const ratios = rounds.map((r) => r.ratio);
const report = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadavg: loadavg().map((n) => Math.round(n * 100) / 100),
  },
  settings: {
    duration: Number(values.duration),
    rounds: Number(values.rounds),
    connections: Number(values.connections),
    logLevel: values["log-level"],
  },
  plain,
  relay,
  ratio: Math.round(ratio * 1000) / 1000,
  /** (max - min) / median of the rounds' ratios. */
  ratioSpread: Math.round(((Math.max(...ratios) - Math.min(...ratios)) / ratio) * 1000) / 1000,
  cpuRatio:
    plain.cpuMicrosPerRequest === null || relay.cpuMicrosPerRequest === null
      ? null
      : Math.round((plain.cpuMicrosPerRequest / relay.cpuMicrosPerRequest) * 1000) / 1000,
  rounds: rounds.map((r) => ({
    plainRequestsPerSecond: r.plain.requestsPerSecond,
    relayRequestsPerSecond: r.relay.requestsPerSecond,
    ratio: Math.round(r.ratio * 1000) / 1000,
    plainCpuMicrosPerRequest: r.plain.cpuMicrosPerRequest,
    relayCpuMicrosPerRequest: r.relay.cpuMicrosPerRequest,
  })),
  target: 0.6,
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const row = (m: Measured) =>
    `${m.name.padEnd(44)} ${m.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${m.p50Ms.toFixed(2)} ms  p99 ${m.p99Ms.toFixed(2)} ms  (${m.total} requests, ${m.non2xx} non-2xx, ${m.errors} errors)`;
  process.stdout.write(`${row(plain)}\n${row(relay)}\n`);
  process.stdout.write(`relay decisions allowed: ${relay.allowed}\n`);
  process.stdout.write(
    `ratio relay/plain: ${report.ratio} (target >= ${report.target}, spread ${report.ratioSpread} over ${rounds.length} rounds); CPU per request plain/relay: ${report.cpuRatio}; load average ${report.machine.loadavg.join(" ")}\n`,
  );
}
