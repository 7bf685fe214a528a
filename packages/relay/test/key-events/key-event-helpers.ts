import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  type GuardianQuorum,
  generateKeyPair,
  type KeyEventLog,
  nextKeyDigest,
  type RotationInput,
  signGuardianApproval,
  signInception,
  signOwnerCertificate,
  signRotation,
  tokenHash,
  verifyKeyEventLog,
} from "@ants/protocol";
import { expect } from "vitest";
import { type Answer, send, type TestAgent } from "../helpers/test-agent.ts";

/** A fresh Ed25519 key and its did:key. */
export interface Key {
  signer: Ed25519Signer;
  did: string;
}

export function newKey(): Key {
  const signer = createSigner(generateKeyPair().seed);
  return { signer, did: didFromPublicKey(signer.publicKey) };
}

/** What an agent commits to at inception. */
export interface Recovery {
  next?: Key;
  owner?: Key;
  guardians?: GuardianQuorum;
  window?: number;
}

/** Registers `agent` with a signed inception (docs/spec/key-events.md 5.1); expects 201. */
export async function registerWithInception(agent: TestAgent, recovery: Recovery = {}) {
  const own =
    recovery.owner === undefined
      ? undefined
      : signOwnerCertificate(
          {
            sub: agent.did,
            ...(recovery.guardians && { grd: recovery.guardians }),
            ...(recovery.window !== undefined && { win: recovery.window }),
          },
          { signer: recovery.owner.signer, now: agent.clock.now },
        );
  const inception = signInception(
    {
      ...(recovery.next && { n: nextKeyDigest(recovery.next.signer.publicKey) }),
      ins: 2,
      ...(own && { own }),
    },
    { signer: agent.signer, now: agent.clock.now },
  );
  const registration = agent.registration();
  const answer = await send(agent.relay, "POST", "/v1/agents", { registration, inception });
  expect(answer.status).toBe(201);
  return answer;
}

/** The agent's log as the relay serves it, verified. */
export async function fetchLog(agent: TestAgent): Promise<KeyEventLog> {
  const answer = await send(agent.relay, "GET", `/v1/agents/${agent.did}/events`);
  expect(answer.status).toBe(200);
  const events = answer.body.events as {
    event: string;
    approvals?: string[];
    receivedAt: number;
  }[];
  return verifyKeyEventLog(
    events.map(({ receivedAt: _, ...record }) => record),
    { receivedAt: events.map((entry) => entry.receivedAt) },
  );
}

/** A rotation on the head of the agent's log, signed by `by`. */
export async function rotation(
  agent: TestAgent,
  by: Key,
  input: Pick<RotationInput, "k" | "auth"> & Partial<RotationInput>,
): Promise<string> {
  const log = await fetchLog(agent);
  return signRotation(
    { iss: agent.did, s: log.sequence + 1, p: log.head, rsn: "routine", ...input },
    { signer: by.signer, now: agent.clock.now },
  );
}

/** A guardian's approval of one rotation. */
export function approval(agent: TestAgent, guardian: Key, event: string): string {
  return signGuardianApproval(
    { iss: agent.did, evt: tokenHash(event) },
    { signer: guardian.signer, now: agent.clock.now },
  );
}

/** POST /v1/agents/{id}/events. */
export function postEvent(agent: TestAgent, event: string, approvals?: string[]): Promise<Answer> {
  const body = approvals === undefined ? { event } : { event, approvals };
  return send(agent.relay, "POST", `/v1/agents/${agent.did}/events`, body);
}
