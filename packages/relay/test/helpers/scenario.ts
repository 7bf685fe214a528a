import {
  attenuate,
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  generateKeyPair,
  signApproval,
  signDelegation,
  signInvocation,
} from "@ants/protocol";
import type { Answer, TestAgent } from "./test-agent.ts";

/** A human owner's key: signs root delegations, never logs in. */
export function principalKey(): { signer: Ed25519Signer; did: string } {
  const signer = createSigner(generateKeyPair().seed);
  return { signer, did: didFromPublicKey(signer.publicKey) };
}

/** A root delegation from the principal to an agent. */
export function rootDelegation(
  principal: { signer: Ed25519Signer },
  to: TestAgent,
  input: { cmd: string; exp: number; now: number },
): string {
  return signDelegation(
    { aud: to.did, cmd: input.cmd, exp: input.exp },
    { signer: principal.signer, now: input.now },
  );
}

/** A child delegation signed by `from` (who must be the parent's audience). */
export function childDelegation(
  chain: string[],
  from: TestAgent,
  to: TestAgent,
  input: { cmd: string; exp?: number; apr?: { k: number; of: string[] }; now: number },
): string {
  const { now, ...claims } = input;
  return attenuate(chain, { aud: to.did, ...claims }, { signer: from.signer, now });
}

/** Signs an invocation with the agent's session key, bound to POST /v1/authorize. */
export function invocationFor(
  agent: TestAgent,
  chain: string[],
  input: {
    cmd: string;
    args: Record<string, string | number>;
    principal: string;
    jti?: string;
    iat?: number;
    cause?: string;
  },
): string {
  return signInvocation(
    {
      iss: agent.did,
      sub: input.principal,
      aud: agent.relay.did,
      cmd: input.cmd,
      args: input.args,
      delegations: chain,
      htm: "POST",
      htu: `${agent.relay.origin}/v1/authorize`,
      ...(input.jti === undefined ? {} : { jti: input.jti }),
      ...(input.iat === undefined ? {} : { iat: input.iat }),
      ...(input.cause === undefined ? {} : { cause: input.cause }),
    },
    { signer: agent.sessionSigner, now: agent.clock.now },
  );
}

/** POST /v1/authorize with the session token only (the invocation is the proof). */
export function authorize(
  agent: TestAgent,
  body: { invocation: string; chain: string[]; resource?: string },
  token = agent.session,
): Promise<Answer> {
  return agent.call("POST", "/v1/authorize", { authorization: `DPoP ${token}` }, body);
}

/** An approval of an invocation hash by an agent's identity key. */
export function approvalBy(agent: TestAgent, invocationHash: string): string {
  return signApproval({ inv: invocationHash }, { signer: agent.signer, now: agent.clock.now });
}
