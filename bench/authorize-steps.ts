/**
 * CPU per warm three-hop authorize for the parts of the decision that parse, hash and sign,
 * done the earlier way (the invocation parsed three times: bound to the session, in verifyChain,
 * and again for the audit entry; the access token through `signCompactJws`, which re-parses its
 * payload) next to the current way (one parse handed along, the verified hash reused, a
 * precomputed access-token header), with one bare node:crypto Ed25519 verify as the reference,
 * interleaved in one process. The audit append and HTTP are not in it: bench/authorize-load.ts
 * measures those end to end.
 *
 *   node --import tsx bench/authorize-steps.ts [--runs 7] [--iterations 2000] [--json]
 */
import { verify as cryptoVerify } from "node:crypto";
import { parseArgs } from "node:util";
import {
  ACCESS_TOKEN_TYP,
  buildDecisionEntry,
  INVOCATION_TYP,
  type LinkCache,
  MAX_INVOCATION_BYTES,
  parseCompactJws,
  parseInvocation,
  readInvocationClaims,
  signCompactJws,
  verifyChain,
} from "../packages/protocol/src/index.ts";
import { signAccessToken } from "../packages/relay/src/authorize/access-token.ts";
import {
  AGENTS,
  buildDelegations,
  buildInvocations,
  NOW,
  warmCache,
} from "./chain-verify/ants-fixtures.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    iterations: { type: "string", default: "2000" },
    json: { type: "boolean", default: false },
  },
});
const RUNS = Number(values.runs);
const ITERATIONS = Number(values.iterations);

const delegations = buildDelegations();
const sessionKey = AGENTS.danSession.signer.publicKey;
const identity = { did: AGENTS.relay.did, signer: AGENTS.relay.signer, jwk: {} as never };
const keys = new Map(Object.values(AGENTS).map((a) => [a.did, a.signer.publicKey] as const));
const hooks = {
  now: NOW,
  audience: AGENTS.relay.did,
  resolveKey: (did: string) => keys.get(did),
  invocationKey: () => sessionKey,
  isRevoked: (): false => false,
};

function verifyOptions(invocation: string, cache: LinkCache) {
  return { ...hooks, delegations, invocation, cache };
}

function entryInput(invocation: string, actor: string, cmd: string, principal: string) {
  return { time: NOW, relay: AGENTS.relay.did, actor, cmd, principal, chain: [], invocation };
}

function tokenInput(result: ReturnType<typeof verifyChain>, argsHash: string, index: number) {
  return {
    issuer: "https://relay.example",
    resource: "https://social.example",
    principal: result.principal,
    actor: result.actor,
    instructors: [AGENTS.carol.did, AGENTS.bob.did],
    command: result.command,
    argsHash,
    invocationHash: result.invocationHash,
    jkt: result.invocationKid,
    auditIndex: index,
    now: NOW,
    notAfter: result.expiresAt,
  };
}

// The earlier path: three parses, the hash taken twice, the token payload re-parsed.
function earlier(invocation: string, cache: LinkCache, index: number): void {
  const jws = parseCompactJws(invocation, { typ: INVOCATION_TYP, maxBytes: MAX_INVOCATION_BYTES });
  const claims = readInvocationClaims(jws.payload);
  const result = verifyChain(verifyOptions(invocation, cache));
  const entry = buildDecisionEntry({
    ...entryInput(invocation, claims.iss, claims.cmd, result.principal),
    decision: "allow",
  });
  const input = tokenInput(result, entry.invocation.argsHash ?? "", index);
  signCompactJws(ACCESS_TOKEN_TYP, { ...input, cnf: { jkt: input.jkt } }, identity.signer);
}

// The current path: one parse handed to verifyChain and the audit entry.
function current(invocation: string, cache: LinkCache, index: number): void {
  const parsed = parseInvocation(invocation);
  const result = verifyChain({ ...verifyOptions(invocation, cache), parsedInvocation: parsed });
  const entry = buildDecisionEntry({
    ...entryInput(invocation, parsed.claims.iss, parsed.claims.cmd, result.principal),
    decision: "allow",
    invocationParts: { payload: parsed.jws.payload, hash: result.invocationHash },
  });
  signAccessToken(identity, tokenInput(result, entry.invocation.argsHash ?? "", index));
}

function cpuMicrosPerCall(run: (i: number) => void): number {
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) run(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / ITERATIONS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const invocations = buildInvocations(delegations, ITERATIONS);
const cache = warmCache(delegations, invocations[0]!);
const bare = parseInvocation(invocations[0]!).jws;
const bareKey = AGENTS.danSession.keyObject;
const rows = { bare: [] as number[], earlier: [] as number[], current: [] as number[] };
for (let run = 0; run < RUNS; run++) {
  rows.bare.push(
    cpuMicrosPerCall(() => cryptoVerify(null, bare.signingInput, bareKey, bare.signature)),
  );
  rows.earlier.push(cpuMicrosPerCall((i) => earlier(invocations[i]!, cache, i)));
  rows.current.push(cpuMicrosPerCall((i) => current(invocations[i]!, cache, i)));
}
const report = {
  runs: RUNS,
  iterations: ITERATIONS,
  bareVerifyMicros: median(rows.bare),
  earlierMicros: median(rows.earlier),
  currentMicros: median(rows.current),
  earlierToBare: median(rows.earlier.map((x, i) => x / rows.bare[i]!)),
  currentToBare: median(rows.current.map((x, i) => x / rows.bare[i]!)),
};
if (values.json) {
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const us = (x: number) => `${x.toFixed(1)} us`;
  process.stdout.write(
    `bare Ed25519 verify ${us(report.bareVerifyMicros)}\n` +
      `earlier: verify + 3 parses + token via signCompactJws ${us(report.earlierMicros)} (${report.earlierToBare.toFixed(2)} x bare)\n` +
      `current: verify + 1 parse + token with cached header ${us(report.currentMicros)} (${report.currentToBare.toFixed(2)} x bare)\n`,
  );
}
