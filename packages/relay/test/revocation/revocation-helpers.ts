import {
  type Ed25519Signer,
  jwkThumbprint,
  type RevocationRequestInput,
  signRevocationRequest,
} from "@ants/protocol";
import { type Answer, send, type TestAgent, type TestClock } from "../helpers/test-agent.ts";

/** Anyone who can sign: an agent, a principal, an owner. */
export interface Revoker {
  signer: Ed25519Signer;
}

/** The RFC 7638 thumbprint of a signer's key: the id a `key` revocation names. */
export function kidOf(who: { signer: Ed25519Signer }): string {
  return jwkThumbprint(who.signer.publicKey);
}

/** Signs a revocation request addressed to the relay and posts it. */
export function revoke(
  relay: { url: string; did: string },
  clock: TestClock,
  by: Revoker,
  input: Omit<RevocationRequestInput, "aud">,
  extra: { token?: string } = {},
): Promise<Answer> {
  const request = signRevocationRequest(
    { aud: relay.did, ...input },
    { signer: by.signer, now: clock.now },
  );
  return send(relay, "POST", "/v1/revocations", { request, ...extra });
}

/** An authenticated call that only succeeds while the caller's session, key and epoch stand. */
export function listSessions(agent: TestAgent): Promise<Answer> {
  return agent.call("GET", `/v1/agents/${agent.did}/sessions`);
}
