/**
 * Revocation (issue 5): the cost of the revocation step of `POST /v1/authorize` for a three-hop
 * chain (three delegations and the invocation, each asked about its token hash, its signing key
 * and its issuer's epoch) with 10^3 and 10^6 revoked ids loaded; the memory per revoked id at
 * 10^6, next to a plain JavaScript Set of the same ids; and the time from an acknowledged
 * revocation to the refusal of the very next request on the same relay, over real HTTP.
 *
 *   node --expose-gc --import tsx bench/revocation.ts [--runs 5] [--large 1000000] [--json]
 *
 * Targets: check under 2 us per chain at 10^6 ids; under 100 bytes per id at 10^6; refusal on
 * the very next request. Check times are CPU time (user + system) per chain, median over runs.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { RevocationQuery } from "@ants/protocol";
import { RevocationIndex } from "../packages/relay/src/revocation/revocation-index.ts";
import { measureRefusalLatency } from "./revocation/refusal-latency.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    // The larger id count; a smaller one only makes a smoke run quick.
    large: { type: "string", default: "1000000" },
    json: { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const ITERATIONS = 200_000;

function id(seed: string): string {
  return createHash("sha256").update(seed).digest("base64url");
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** An index holding `count` revoked token hashes, plus a few keys and epochs, as a relay would. */
function loadIndex(count: number): RevocationIndex {
  const index = new RevocationIndex();
  for (let seq = 1; seq <= count; seq++) {
    const kind = seq % 100 === 0 ? "key" : seq % 1000 === 1 ? "session" : "token";
    index.apply({
      seq,
      kind,
      target: id(`revoked-${seq}`),
      reason: "",
      revoker: "did:key:bench",
      at: 1_767_225_600,
      compromisedSince: null,
      epoch: null,
      request: null,
    });
  }
  return index;
}

/** The twelve queries of a three-hop chain (not revoked, so every lookup runs to the end). */
function chainQueries(): RevocationQuery[] {
  const roles = ["delegation", "delegation", "delegation", "invocation"] as const;
  return roles.map((role, i) => ({
    tokenHash: id(`live-token-${i}`),
    issuer: `did:key:z6MkIssuer${i}`,
    kid: id(`live-key-${i}`),
    seenAt: 1_767_225_600,
    role,
  }));
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function checkCost(index: RevocationIndex): { medianNanos: number; spread: number } {
  const queries = chainQueries();
  let hits = 0;
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = cpuMicros();
    for (let i = 0; i < ITERATIONS; i++) {
      for (const query of queries) if (index.check(query) !== false) hits++;
    }
    samples.push(((cpuMicros() - start) * 1000) / ITERATIONS);
  }
  if (hits !== 0) throw new Error("a live chain was found revoked");
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  return { medianNanos: median, spread: (samples.at(-1)! - samples[0]!) / median };
}

function memoryPerId(count: number): { indexBytes: number; setBytes: number } {
  gc();
  const before = process.memoryUsage();
  const index = loadIndex(count);
  gc();
  const after = process.memoryUsage();
  const indexBytes =
    (after.heapUsed - before.heapUsed + after.arrayBuffers - before.arrayBuffers) / count;
  const ids: string[] = [];
  for (let seq = 1; seq <= count; seq++) ids.push(id(`set-${seq}`));
  gc();
  const beforeSet = process.memoryUsage().heapUsed;
  const set = new Set(ids);
  gc();
  // The Set's own table, plus the strings it keeps alive once `ids` is gone.
  const setBytes = (process.memoryUsage().heapUsed - beforeSet) / count + stringBytes(ids[0]!);
  if (index.stats().ids !== count || set.size !== count) throw new Error("lost ids");
  return { indexBytes, setBytes };
}

// A one-byte V8 string of n characters: 16 bytes of header, rounded up to 8 bytes.
function stringBytes(text: string): number {
  return Math.ceil((16 + text.length) / 8) * 8;
}

async function main(): Promise<void> {
  const rows: Record<string, unknown> = {
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg()[0] },
  };
  const large = Number(values.large);
  for (const count of [1_000, large]) {
    const index = loadIndex(count);
    const cost = checkCost(index);
    rows[`check_${count}`] = {
      nanosPerChain: Math.round(cost.medianNanos),
      spread: Number(cost.spread.toFixed(2)),
    };
  }
  const memory = memoryPerId(large);
  rows[`memory_${large}`] = {
    indexBytesPerId: Math.round(memory.indexBytes),
    setBytesPerId: Math.round(memory.setBytes),
  };
  const dataDir = mkdtempSync(join(tmpdir(), "ants-bench-revocation-"));
  try {
    rows.refusal = await measureRefusalLatency(dataDir, 20);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else for (const [name, row] of Object.entries(rows)) console.log(name, JSON.stringify(row));
}

await main();
