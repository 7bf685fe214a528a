/**
 * Durable audit log appends through the relay's sequencer (group commit, synchronous=FULL),
 * next to raw batched SQLite inserts of the same entry bytes at synchronous=FULL, in the same run.
 * Then the storage each entry costs in the log's own tables, with the search index apart.
 *
 *   node --import tsx bench/audit-append.ts [--entries 100000] [--in-flight 4096]
 *     [--batch 512] [--flush-ms 0] [--agents 1000] [--json]
 *
 * Entries are decision entries for 1,000 agents, each with a signed invocation and a two-link
 * chain, as the authorize route logs them. Wall-clock rates and this process's CPU time per entry
 * are both reported: on a shared machine the second is the steadier figure. Storage is measured with SQLite's dbstat: pages of each
 * table and index, so free space inside pages counts against the log.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  buildDecisionEntry,
  createSigner,
  type DecisionEntry,
  didFromPublicKey,
  type Ed25519Signer,
  generateKeyPair,
  signInvocation,
} from "@ants/protocol";
import Database from "better-sqlite3";
import { AuditLog } from "../packages/relay/src/audit-log/audit-log.ts";
import { openSqliteStore } from "../packages/relay/src/store/sqlite/sqlite-store.ts";

const { values } = parseArgs({
  options: {
    entries: { type: "string", default: "100000" },
    "in-flight": { type: "string", default: "4096" },
    batch: { type: "string", default: "512" },
    "flush-ms": { type: "string", default: "0" },
    // Fewer agents only make the setup (one key and signed invocation each) shorter.
    agents: { type: "string", default: "1000" },
    json: { type: "boolean", default: false },
  },
});
const ENTRIES = Number(values.entries);
const IN_FLIGHT = Number(values["in-flight"]);
const BATCH = Number(values.batch);
const FLUSH_MS = Number(values["flush-ms"]);
const AGENTS = Number(values.agents);
const NOW = 1_767_225_600;

const relaySigner = createSigner(generateKeyPair().seed);
const relay = didFromPublicKey(relaySigner.publicKey);

function makeEntries(count: number): Omit<DecisionEntry, "prev">[] {
  const principal = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
  const signers: Ed25519Signer[] = Array.from({ length: AGENTS }, () =>
    createSigner(generateKeyPair().seed),
  );
  const chain = [
    "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE",
    "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI",
  ];
  // One signed invocation per agent; entries of an agent differ in time, decision and prev.
  const templates = signers.map((signer) => {
    const actor = didFromPublicKey(signer.publicKey);
    const invocation = signInvocation(
      {
        sub: principal,
        aud: relay,
        cmd: "/twitter/post",
        args: { text: "hello from an agent", reply_to: 1234567 },
        prf: chain,
        htm: "POST",
        htu: "https://relay.example/v1/authorize",
      },
      { signer, now: NOW },
    );
    return { actor, invocation };
  });
  return Array.from({ length: count }, (_, i) => {
    const { actor, invocation } = templates[i % templates.length]!;
    const allow = i % 10 !== 0;
    return buildDecisionEntry({
      time: NOW + Math.floor(i / 1000),
      relay,
      actor,
      cmd: "/twitter/post",
      principal,
      delegate: actor,
      chain,
      decision: allow ? "allow" : "deny",
      reason: allow ? null : "ERR_POLICY_FAILED",
      invocation,
    });
  });
}

async function sequencerRun(dir: string, entries: Omit<DecisionEntry, "prev">[]) {
  const store = openSqliteStore(join(dir, "log.sqlite"));
  const audit = await AuditLog.open({
    store: store.log,
    relay,
    signer: relaySigner,
    origin: () => "relay.example/v1/log",
    now: () => NOW,
    maxBatch: BATCH,
    flushIntervalMs: FLUSH_MS,
  });
  const bytes: Uint8Array[] = new Array(entries.length);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let next = 0;
  // A fixed number of requests in flight, each starting another as it is acknowledged.
  const worker = async () => {
    while (next < entries.length) {
      const i = next++;
      bytes[i] = (await audit.append({ entry: entries[i]! })).bytes;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuOf(process.cpuUsage(cpu));
  await audit.close();
  await store.close();
  return { seconds, cpuSeconds, bytes };
}

function rawRun(dir: string, bytes: Uint8Array[]) {
  const db = new Database(join(dir, "raw.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE entries (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL) STRICT");
  const insert = db.prepare("INSERT INTO entries (idx, entry) VALUES (?, ?)");
  const write = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(i, bytes[i]);
  });
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let from = 0; from < bytes.length; from += BATCH) {
    write(from, Math.min(bytes.length, from + BATCH));
  }
  const seconds = (performance.now() - start) / 1000;
  const cpuSeconds = cpuOf(process.cpuUsage(cpu));
  db.close();
  return { seconds, cpuSeconds };
}

function cpuOf(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

function storage(path: string, entryBytes: number, count: number) {
  const db = new Database(path, { readonly: true });
  const rows = db.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as {
    name: string;
    bytes: number;
  }[];
  db.close();
  const sizeOf = (test: (name: string) => boolean) =>
    rows.filter((row) => test(row.name)).reduce((sum, row) => sum + row.bytes, 0);
  const own = sizeOf((name) =>
    /^log_(entries|tiles|heads|checkpoint)|^sqlite_autoindex_log_(tiles|heads|checkpoint)/.test(
      name,
    ),
  );
  const search = sizeOf((name) => name.startsWith("log_index"));
  return {
    meanEntryBytes: entryBytes / count,
    ownTablesBytesPerEntry: own / count,
    overheadBytesPerEntry: (own - entryBytes) / count,
    searchIndexBytesPerEntry: search / count,
  };
}

async function main() {
  const entries = makeEntries(ENTRIES);
  const dir = mkdtempSync(join(tmpdir(), "ants-bench-audit-"));
  try {
    const sequenced = await sequencerRun(dir, entries);
    const raw = rawRun(dir, sequenced.bytes);
    const entryBytes = sequenced.bytes.reduce((sum, b) => sum + b.length, 0);
    const result = {
      entries: ENTRIES,
      inFlight: IN_FLIGHT,
      maxBatch: BATCH,
      flushMs: FLUSH_MS,
      sequencerPerSecond: Math.round(ENTRIES / sequenced.seconds),
      rawPerSecond: Math.round(ENTRIES / raw.seconds),
      ratio: Number((raw.seconds / sequenced.seconds).toFixed(3)),
      // CPU time per entry of this process, which the load of other processes does not inflate.
      sequencerCpuMicrosPerEntry: Number(((sequenced.cpuSeconds / ENTRIES) * 1e6).toFixed(1)),
      rawCpuMicrosPerEntry: Number(((raw.cpuSeconds / ENTRIES) * 1e6).toFixed(1)),
      storage: storage(join(dir, "log.sqlite"), entryBytes, ENTRIES),
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    };
    if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else console.log(result);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
