import { signRevocationRequest, tokenHash } from "@ants/protocol";
import { startRelay } from "../../packages/relay/src/index.ts";
import {
  authorize,
  childDelegation,
  invocationFor,
  principalKey,
  rootDelegation,
} from "../../packages/relay/test/helpers/scenario.ts";
import { send, TestAgent } from "../../packages/relay/test/helpers/test-agent.ts";

/** What the refusal measurement found. */
export interface RefusalLatency {
  rounds: number;
  /** Rounds where the request right after the acknowledgement was refused. */
  refusedOnNextRequest: number;
  /** Median and worst wall time from the revocation's acknowledgement to the refusal, ms. */
  medianAckToRefusalMs: number;
  maxAckToRefusalMs: number;
  /** Median wall time of the revocation request itself (durable write included), ms. */
  medianRevokeMs: number;
}

/**
 * Starts a relay over HTTP, then `rounds` times: a fresh chain is used once (allowed), its leaf
 * is revoked by its issuer, and the very next authorize through it is sent at once. Counts the
 * refusals and times acknowledgement to refusal.
 *
 * @example
 * const latency = await measureRefusalLatency("/tmp/x", 20);
 */
export async function measureRefusalLatency(
  dataDir: string,
  rounds: number,
): Promise<RefusalLatency> {
  const clock = { now: Math.floor(Date.now() / 1000) };
  const relay = await startRelay({
    port: 0,
    dataDir,
    insecureWorkFactorLog2ForTests: 10,
    logger: { level: "silent" },
    processMetrics: false,
    now: () => clock.now,
  });
  const target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  const ackToRefusal: number[] = [];
  const revokeTimes: number[] = [];
  let refused = 0;
  try {
    const principal = principalKey();
    const kevin = new TestAgent(target, clock);
    const stuart = new TestAgent(target, clock);
    for (const agent of [kevin, stuart]) {
      await agent.register();
      await agent.login();
    }
    const exp = clock.now + 3600;
    const root = rootDelegation(principal, kevin, { cmd: "/social", exp, now: clock.now });
    for (let round = 0; round < rounds; round++) {
      const leaf = childDelegation([root], kevin, stuart, { cmd: "/social", now: clock.now });
      const chain = [root, leaf];
      const invoke = () =>
        authorize(stuart, {
          chain,
          invocation: invocationFor(stuart, chain, {
            cmd: "/social/post",
            args: {},
            principal: principal.did,
          }),
        });
      if ((await invoke()).body.decision !== "allow") throw new Error("chain refused before");
      const request = signRevocationRequest(
        { aud: target.did, kind: "token", target: tokenHash(leaf) },
        { signer: kevin.signer, now: clock.now },
      );
      const sent = performance.now();
      const ack = await send(relay, "POST", "/v1/revocations", { request });
      const acked = performance.now();
      if (ack.status !== 201) throw new Error(`revocation answered ${ack.status}`);
      const next = await invoke();
      ackToRefusal.push(performance.now() - acked);
      revokeTimes.push(acked - sent);
      if (next.body.reason === "ERR_REVOKED_TOKEN") refused++;
    }
  } finally {
    await relay.close();
  }
  return {
    rounds,
    refusedOnNextRequest: refused,
    medianAckToRefusalMs: round2(median(ackToRefusal)),
    maxAckToRefusalMs: round2(Math.max(...ackToRefusal)),
    medianRevokeMs: round2(median(revokeTimes)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
