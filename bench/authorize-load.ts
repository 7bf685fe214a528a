/**
 * Load on `POST /v1/authorize` for a warm three-hop chain, next to a plain Fastify server that
 * verifies one EdDSA JWT per request with jose (the same fresh signature work), over loopback,
 * in the same run. Each server runs in its own process; autocannon runs here and signs a fresh
 * invocation (or JWT) for every request, so neither server sees a replay.
 *
 *   node --import tsx bench/authorize-load.ts [--duration 10] [--connections 16]
 *     [--warmup 2] [--log-level info] [--json]
 *
 * The relay runs with its defaults: SQLite with synchronous=FULL, every decision durably in the
 * audit log before it is answered, an access token signed per allow, request logs at `info`
 * (to /dev/null here). Target: the relay at least 0.6 of the plain server's throughput.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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

async function measure(
  name: string,
  url: string,
  path: string,
  headers: Record<string, string>,
  body: () => string,
): Promise<Measured> {
  await load(url, path, headers, body, Number(values.warmup));
  const result = await load(url, path, headers, body, Number(values.duration));
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function benchPlain(): Promise<Measured> {
  const fixture = plainFixture();
  const { url, child } = await startServer(["plain", fixture.publicKey]);
  try {
    return await measure("plain Fastify + jose, one EdDSA JWT", url, "/verify", {}, fixture.body);
  } finally {
    await stop(child);
  }
}

async function benchRelay(): Promise<Measured & { allowed: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "ants-load-"));
  const { url, child } = await startServer(["relay", dataDir, values["log-level"]]);
  try {
    const fixture = await authorizeFixture(url);
    const measured = await measure(
      "relay POST /v1/authorize, warm 3-hop chain",
      url,
      "/v1/authorize",
      { authorization: fixture.authorization },
      fixture.body,
    );
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const allowed = Number(
      /ants_decisions_total\{result="allow",reason="none"\} (\d+)/.exec(metrics)?.[1] ?? 0,
    );
    return { ...measured, allowed };
  } finally {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const plain = await benchPlain();
const relay = await benchRelay();
const ratio = relay.requestsPerSecond / plain.requestsPerSecond;
const report = {
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    loadavg: loadavg().map((n) => Math.round(n * 100) / 100),
  },
  settings: {
    duration: Number(values.duration),
    connections: Number(values.connections),
    logLevel: values["log-level"],
  },
  plain,
  relay,
  ratio: Math.round(ratio * 1000) / 1000,
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
    `ratio relay/plain: ${report.ratio} (target >= ${report.target}); load average ${report.machine.loadavg.join(" ")}\n`,
  );
}
