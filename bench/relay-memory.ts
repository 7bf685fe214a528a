/**
 * Memory of a running relay as what it holds grows: for each size N, a relay's data directory
 * is filled with N/10 registered agents, N revocations and N audit log entries (or only one of
 * them, with --grow), then a relay is started on it in its own process (the relay package's
 * startRelay, as `ants relay start` runs it) and asked, after a full garbage collection, for its
 * resident set and what it holds (V8 heap plus typed arrays). The reference, measured in the
 * same run, is the same relay on an empty data directory. At N = 10^6 this is the relay of issue
 * "Performance suite": 100,000 agents, 10^6 revocations and 10^6 log entries.
 *
 *   node --import tsx bench/relay-memory.ts [--sizes 1000,10000,100000,1000000]
 *     [--grow all|agents|revocations|entries] [--json]
 *
 * Agents and revocations are written through the store's own repositories inside one
 * transaction (a relay receives them one request at a time; only the loading is shortened), the
 * log entries through the relay's audit log with group commit, so the tiles, checkpoints and
 * per-agent chains on disk are the ones a relay writes.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createSigner, didFromPublicKey } from "@ants/protocol";
import Database from "better-sqlite3";
import pino from "pino";
import { AuditLog } from "../packages/relay/src/audit-log/audit-log.ts";
import { loadRelayIdentity } from "../packages/relay/src/identity/relay-identity.ts";
import { logOriginFor } from "../packages/relay/src/routes/well-known-routes.ts";
import { createSqliteAgents } from "../packages/relay/src/store/sqlite/sqlite-agents.ts";
import { migrateSqlite } from "../packages/relay/src/store/sqlite/sqlite-migrations.ts";
import { createSqliteRevocations } from "../packages/relay/src/store/sqlite/sqlite-revocations.ts";
import {
  openSqliteStore,
  SQLITE_FILE_NAME,
} from "../packages/relay/src/store/sqlite/sqlite-store.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "1000,10000,100000,1000000" },
    // Which of the three grow with N (the others stay empty): all, agents, revocations, entries.
    grow: { type: "string", default: "all" },
    json: { type: "boolean", default: false },
  },
});
const SIZES = values.sizes.split(",").map(Number);
const GROW = values.grow;
if (!["all", "agents", "revocations", "entries"].includes(GROW)) throw new Error("--grow: unknown");
const grows = (what: string) => GROW === "all" || GROW === what;
const RELAY_UNDER_TEST = resolve(import.meta.dirname, "relay-memory/relay-under-test.ts");
// A fixed public URL: the log origin the entries are checkpointed under stays the relay's own.
const PUBLIC_URL = "http://relay.bench.invalid";
const NOW = 1_767_225_600;
const IN_FLIGHT = 4096;
const silent = pino({ level: "silent" });

/** What one relay process held and used. */
interface MemorySample {
  size: number;
  agents: number;
  revocations: number;
  entries: number;
  rssBytes: number;
  heapUsedBytes: number;
  fillSeconds: number;
}

function agentDids(count: number): string[] {
  return Array.from({ length: count }, () =>
    didFromPublicKey(createSigner(randomBytes(32)).publicKey),
  );
}

// Agents and revocations through the repositories' own statements, in one transaction.
async function fillTables(dataDir: string, agents: string[], revocations: number): Promise<void> {
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  db.pragma("journal_mode = WAL");
  migrateSqlite(db);
  const agentRepository = createSqliteAgents(db);
  const revocationRepository = createSqliteRevocations(db);
  const writes: Promise<unknown>[] = [];
  db.exec("BEGIN");
  for (const id of agents) {
    writes.push(
      agentRepository.insert({
        id,
        publicKey: id.slice(-43),
        owner: null,
        recovery: null,
        instances: 1,
        registration: "",
        registeredAt: NOW,
      }),
    );
  }
  for (let i = 0; i < revocations; i++) {
    writes.push(
      revocationRepository.append({
        kind: "token",
        target: randomBytes(32).toString("base64url"),
        reason: "compromised",
        revoker: agents[i % agents.length]!,
        at: NOW,
      }),
    );
    // Repository calls run synchronously; settle them now and then to bound memory.
    if (writes.length >= 100_000) await Promise.all(writes.splice(0));
  }
  db.exec("COMMIT");
  await Promise.all(writes);
  db.close();
}

// Log entries through the relay's audit log, as registrations of the agents.
async function fillLog(dataDir: string, agents: string[], entries: number): Promise<void> {
  const identity = await loadRelayIdentity({ dataDir, log: silent });
  const store = openSqliteStore(join(dataDir, SQLITE_FILE_NAME));
  const audit = await AuditLog.open({
    store: store.log,
    relay: identity.did,
    signer: identity.signer,
    origin: () => logOriginFor(PUBLIC_URL),
    now: () => NOW,
  });
  let next = 0;
  const worker = async () => {
    while (next < entries) {
      const agent = agents[next++ % agents.length]!;
      await audit.appendEvent({ event: "identity", action: "registered", subject: agent });
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, entries) }, worker));
  await audit.close();
  await store.close();
}

async function fill(
  dataDir: string,
  size: number,
): Promise<Omit<MemorySample, "rssBytes" | "heapUsedBytes">> {
  const started = process.hrtime.bigint();
  // The relay's identity first: a first start would create it, with the bench's cheap scrypt.
  await loadRelayIdentity({ dataDir, insecureWorkFactorLog2ForTests: 10, log: silent });
  const agents = agentDids(grows("agents") ? Math.max(1, Math.floor(size / 10)) : 1);
  const revocations = grows("revocations") ? size : 0;
  const entries = grows("entries") ? size : 0;
  await fillTables(dataDir, agents, revocations);
  await fillLog(dataDir, agents, entries);
  const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { size, agents: agents.length, revocations, entries, fillSeconds };
}

interface RelayUnderTest {
  readonly child: ChildProcess;
  readonly url: string;
}

function startRelay(dataDir: string): Promise<RelayUnderTest> {
  const child = fork(RELAY_UNDER_TEST, [dataDir, PUBLIC_URL], {
    execArgv: ["--expose-gc", "--import", "tsx"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((done, fail) => {
    child.once("message", (message) => done({ child, url: (message as { url: string }).url }));
    child.once("exit", (code) => fail(new Error(`relay exited with ${code}: ${output}`)));
  });
}

function memoryOf(child: ChildProcess): Promise<NodeJS.MemoryUsage> {
  return new Promise((done) => {
    child.once("message", (message) => done((message as { memory: NodeJS.MemoryUsage }).memory));
    child.send("measure");
  });
}

// The relay settles (index loads, first checkpoint, a few requests) and is then read after a
// full collection, so garbage left by loading does not count as held memory.
async function measure(dataDir: string): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  const { child, url } = await startRelay(dataDir);
  const exited = new Promise((done) => child.once("exit", done));
  try {
    for (const path of ["/healthz", "/v1/log/checkpoint", "/.well-known/ants-relay"]) {
      await (await fetch(url + path)).arrayBuffer();
    }
    await new Promise((done) => setTimeout(done, 1500));
    const memory = await memoryOf(child);
    // Typed arrays (the revocation index, tree levels) live outside the V8 heap.
    return { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed + memory.external };
  } finally {
    child.send("stop");
    await exited;
  }
}

async function sample(size: number): Promise<MemorySample> {
  const dataDir = mkdtempSync(join(tmpdir(), "ants-bench-memory-"));
  try {
    const filled =
      size === 0
        ? { size, agents: 0, revocations: 0, entries: 0, fillSeconds: 0 }
        : await fill(dataDir, size);
    if (size === 0)
      await loadRelayIdentity({ dataDir, insecureWorkFactorLog2ForTests: 10, log: silent });
    return { ...filled, ...(await measure(dataDir)) };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const MiB = 1024 * 1024;
const empty = await sample(0);
const samples: MemorySample[] = [];
for (const size of SIZES) samples.push(await sample(size));

const rows = samples.map((s) => ({
  ...s,
  rssRatio: s.rssBytes / empty.rssBytes,
  // What each held item (agent, revocation or entry) costs beyond the empty relay.
  bytesPerItem: (s.rssBytes - empty.rssBytes) / (s.agents + s.revocations + s.entries),
  heapBytesPerItem:
    (s.heapUsedBytes - empty.heapUsedBytes) / (s.agents + s.revocations + s.entries),
}));

if (values.json) {
  console.log(
    JSON.stringify({
      empty,
      samples: rows,
      machine: { cores: cpus().length, node: process.version, load: loadavg() },
    }),
  );
} else {
  console.log(`node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
  console.log(
    `empty relay: RSS ${(empty.rssBytes / MiB).toFixed(1)} MiB, heap ${(empty.heapUsedBytes / MiB).toFixed(1)} MiB`,
  );
  console.log(
    "size       agents  revocations  entries    RSS MiB  x empty  heap MiB  RSS B/item  heap B/item  fill s",
  );
  for (const r of rows) {
    console.log(
      [
        String(r.size).padEnd(10),
        String(r.agents).padStart(7),
        String(r.revocations).padStart(12),
        String(r.entries).padStart(8),
        (r.rssBytes / MiB).toFixed(1).padStart(10),
        r.rssRatio.toFixed(2).padStart(8),
        (r.heapUsedBytes / MiB).toFixed(1).padStart(9),
        r.bytesPerItem.toFixed(1).padStart(11),
        r.heapBytesPerItem.toFixed(1).padStart(12),
        r.fillSeconds.toFixed(1).padStart(7),
      ].join(" "),
    );
  }
}
