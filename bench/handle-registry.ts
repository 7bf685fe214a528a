/**
 * Handle registry over real HTTP on one relay process: what a resolve (a SQLite read and one
 * Ed25519 signature for the binding), a challenge (an HMAC and a count of recent claims) and a
 * claim (a statement signature check, the proof-of-work check and one SQLite transaction with
 * fsync) cost, one request at a time from a client in the same process.
 *
 *   node --import tsx bench/handle-registry.ts [--requests 2000] [--claims 300] [--json]
 *
 * Claims use a test-only difficulty of 32 hashes, so the figure is the relay's cost of checking
 * and recording a claim, not the client's proof of work (see bench/handle-pow.ts for that).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  createSigner,
  didFromPublicKey,
  generateKeyPair,
  type HandleChallenge,
  signHandleStatement,
  signLoginStatement,
  signRegistration,
  solvePuzzle,
} from "../packages/protocol/src/index.ts";
import { startRelay } from "../packages/relay/src/index.ts";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "2000" },
    claims: { type: "string", default: "300" },
    json: { type: "boolean", default: false },
  },
});

const dataDir = mkdtempSync(join(tmpdir(), "ants-bench-handles-"));
const relay = await startRelay({
  port: 0,
  dataDir,
  insecureWorkFactorLog2ForTests: 10,
  logger: { level: "silent" },
  processMetrics: false,
  handles: { insecureFixedDifficultyForTests: 32, maxPerAgent: 1000 },
});
const relayDid = relay.app.relay.identity.did;

async function post(path: string, body: unknown, token?: string) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers.authorization = `DPoP ${token}`;
  const response = await fetch(relay.url + path, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function loggedInAgent() {
  const signer = createSigner(generateKeyPair().seed);
  const did = didFromPublicKey(signer.publicKey);
  await post("/v1/agents", {
    registration: signRegistration({ aud: relayDid, instances: 1 }, { signer }),
  });
  const { nonce } = (await post("/v1/sessions/challenge", {})).body as { nonce: string };
  const session = createSigner(generateKeyPair().seed);
  const login = signLoginStatement(
    { aud: relayDid, origin: relay.url, nonce, sessionKey: session.publicKey, instance: "b" },
    { signer },
  );
  const { session: token } = (await post("/v1/sessions", { login })).body as { session: string };
  return { did, session, token };
}

function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    n: sorted.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    perSecond: (sorted.length * 1000) / total,
  };
}

async function time(count: number, run: (i: number) => Promise<void>) {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}

const agent = await loggedInAgent();
const claims = Number(args.claims);
const prepared: {
  handle: string;
  challenge: HandleChallenge;
  statement: string;
  solution: unknown;
}[] = [];
for (let i = 0; i < claims; i++) {
  const handle = `bench-${i}`;
  const { challenge } = (await post("/v1/handles/challenge", { handle, agent: agent.did }))
    .body as {
    challenge: HandleChallenge;
  };
  prepared.push({ handle, challenge, solution: solvePuzzle(challenge), statement: "" });
}

const claim = await time(claims, async (i) => {
  const entry = prepared[i]!;
  const statement = signHandleStatement(
    {
      iss: agent.did,
      aud: relayDid,
      act: "claim",
      handle: entry.handle,
      seed: entry.challenge.seed,
      htm: "POST",
      htu: `${relay.url}/v1/handles`,
    },
    { signer: agent.session },
  );
  const answer = await post("/v1/handles", { ...entry, statement }, agent.token);
  if (answer.status !== 201) throw new Error(`claim refused: ${JSON.stringify(answer.body)}`);
});

const requests = Number(args.requests);
const resolve = await time(requests, async (i) => {
  const response = await fetch(`${relay.url}/v1/handles/bench-${i % claims}`);
  if (response.status !== 200) throw new Error(`resolve: ${response.status}`);
  await response.arrayBuffer();
});
// A typical asker holds no handles yet; the bench agent above holds hundreds.
const asker = await loggedInAgent();
const challenge = await time(requests, async (i) => {
  const answer = await post("/v1/handles/challenge", { handle: `free-${i}`, agent: asker.did });
  if (answer.status !== 201) throw new Error(`challenge: ${answer.status}`);
});

await relay.close();
rmSync(dataDir, { recursive: true, force: true });

const result = {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg() },
  resolve,
  challenge,
  claim,
};
if (args.json) console.log(JSON.stringify(result, null, 2));
else {
  console.log(
    `machine: ${result.machine.cpu}, ${result.machine.cores} cores, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  for (const [name, s] of Object.entries({ resolve, challenge, claim })) {
    console.log(
      `${name.padEnd(9)} n=${s.n}  p50 ${s.p50Ms.toFixed(3)} ms  p99 ${s.p99Ms.toFixed(3)} ms  ${s.perSecond.toFixed(0)}/s sequential`,
    );
  }
}
