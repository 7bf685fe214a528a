import {
  AUDIT_APPEND_BOUND,
  AUTHORIZE_LOAD_BOUND,
  CHAIN_VERIFY_BOUND,
  HANDLE_P99_BOUND,
} from "./explanations.ts";
import {
  auditAppend,
  auditProof,
  authorizeLoad,
  chainVerify,
  handlePow,
  handleRegistry,
  relayMemory,
  revocation,
  trust,
} from "./figure-readers.ts";
import type { BenchmarkSpec } from "./spec.ts";

/**
 * Every benchmark of bench/ the suite runs, with the arguments of a full run (sized so the whole
 * suite stays under 15 minutes on two shared cores) and of a smoke run (seconds), and the
 * budgets of issue "Performance suite" and of each benchmark's own issue.
 *
 * @example
 * for (const spec of BENCHMARKS) console.log(spec.name, spec.runs);
 */
export const BENCHMARKS: readonly BenchmarkSpec[] = [
  {
    name: "audit-append",
    script: "audit-append.ts",
    args: ["--entries", "50000"],
    smokeArgs: ["--entries", "300", "--agents", "20"],
    runs: 3,
    figures: auditAppend,
    budgets: [
      {
        name: "audit append: at least 20,000 durable entries per second",
        figure: "audit append, durable entries per second",
        on: "value",
        op: ">=",
        limit: 20_000,
        explanation: AUDIT_APPEND_BOUND,
      },
      {
        name: "audit append: at least 0.25 of raw batched SQLite at synchronous=FULL",
        figure: "audit append, durable entries per second",
        on: "ratio",
        op: ">=",
        limit: 0.25,
        explanation: AUDIT_APPEND_BOUND,
      },
    ],
  },
  ...[10_000, 1_000_000].map(
    (size): BenchmarkSpec => ({
      name: `audit-proof-${size}`,
      script: "audit-proof.ts",
      args: ["--size", String(size), "--proofs", "5000"],
      smokeArgs: ["--size", "600", "--proofs", "20"],
      runs: size > 10_000 ? 1 : 3,
      skipInSmoke: size > 10_000,
      figures: auditProof,
      budgets: [
        {
          name: `inclusion proof under 100 us at ${size} entries (p50, all levels)`,
          figure: `inclusion proof, all levels in memory at ${size} entries (p50)`,
          on: "value",
          op: "<=",
          limit: 100,
        },
      ],
    }),
  ),
  {
    name: "chain-verify",
    script: "chain-verify.ts",
    // The script interleaves its own runs; one process keeps UCAN's slow rows within time.
    args: ["--runs", "5", "--iterations", "300"],
    smokeArgs: ["--runs", "1", "--iterations", "2"],
    runs: 1,
    figures: chainVerify,
    budgets: [
      {
        name: "warm 3-hop chain + fresh invocation at most 1.3 bare verifies",
        figure: "ANTS warm: cached links + fresh invocation",
        on: "ratio",
        op: "<=",
        limit: 1.3,
        explanation: CHAIN_VERIFY_BOUND,
      },
      {
        name: "cold 3-hop chain at most 1.15 times its 4 bare verifies",
        figure: "ANTS cold chain / its 4 bare verifies",
        on: "ratio",
        op: "<=",
        limit: 1.15,
        explanation: CHAIN_VERIFY_BOUND,
      },
    ],
  },
  ...[16, 64].map(
    (connections): BenchmarkSpec => ({
      name: `authorize-load-${connections}`,
      script: "authorize-load.ts",
      // Three alternating rounds of 3 s per server, so both see the same load from the machine.
      args: [
        "--duration",
        "3",
        "--rounds",
        "3",
        "--warmup",
        "2",
        "--connections",
        String(connections),
      ],
      smokeArgs: ["--duration", "1", "--warmup", "0", "--connections", "2"],
      runs: 2,
      skipInSmoke: connections > 16,
      figures: authorizeLoad,
      budgets: [
        {
          name: `POST /v1/authorize at least 0.6 of the plain server (${connections} connections)`,
          figure: `POST /v1/authorize throughput at ${connections} connections`,
          on: "ratio",
          op: ">=",
          limit: 0.6,
          explanation: AUTHORIZE_LOAD_BOUND,
        },
      ],
    }),
  ),
  {
    name: "revocation",
    script: "revocation.ts",
    nodeFlags: ["--expose-gc"],
    args: ["--runs", "5"],
    smokeArgs: ["--runs", "1", "--large", "2000"],
    runs: 1,
    figures: revocation,
    budgets: [
      {
        name: "revocation check under 2 us per chain at 10^6 ids",
        figure: "revocation check per 3-hop chain, 10^6 ids",
        on: "value",
        op: "<=",
        limit: 2000,
      },
      {
        name: "revocation memory under 100 bytes per id at 10^6",
        figure: "revocation memory per id at 10^6",
        on: "value",
        op: "<=",
        limit: 100,
      },
    ],
  },
  {
    name: "trust",
    script: "trust.ts",
    args: ["--edges", "100000", "--fakes", "10000", "--lookups", "5000000"],
    smokeArgs: ["--edges", "2000", "--fakes", "50", "--lookups", "10000"],
    runs: 3,
    figures: trust,
    budgets: [
      {
        name: "trust lookup under 1 us",
        figure: "trust level lookup on the authorize path",
        on: "value",
        op: "<=",
        limit: 1000,
      },
      {
        name: "trust recomputation at 100,000 vouch edges under 1 s",
        figure: "trust recomputation after a vouch",
        on: "value",
        op: "<=",
        limit: 1000,
      },
    ],
  },
  {
    name: "handle-pow",
    script: "handle-pow.ts",
    // Each full-difficulty solve costs seconds of CPU: few of them keep the suite in time.
    args: ["--solves", "3", "--small-solves", "60", "--verifications", "5000"],
    smokeArgs: ["--solves", "0", "--small-solves", "2", "--verifications", "50"],
    runs: 1,
    figures: handlePow,
    budgets: [
      {
        name: "handle claim verification under 1 ms at p99",
        figure: "handle claim verification p99",
        on: "value",
        op: "<=",
        limit: 1000,
        explanation: HANDLE_P99_BOUND,
      },
      {
        name: "at least 5,000 claim verifications per CPU second",
        figure: "handle claim verifications per CPU second",
        on: "value",
        op: ">=",
        limit: 5000,
      },
    ],
  },
  {
    name: "handle-registry",
    script: "handle-registry.ts",
    args: ["--requests", "1000", "--claims", "150"],
    smokeArgs: ["--requests", "5", "--claims", "2"],
    runs: 2,
    figures: handleRegistry,
    budgets: [],
  },
  {
    name: "relay-memory",
    script: "relay-memory.ts",
    // One process per size; 10^6 log entries are appended through the sequencer, the longest step.
    args: ["--sizes", "1000,10000,100000,1000000"],
    smokeArgs: ["--sizes", "300"],
    runs: 1,
    figures: relayMemory,
    budgets: [],
  },
];
