import { jwkThumbprint, publicKeyFromDid } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { LiveSession } from "../sessions/session-registry.ts";
import type { RevocationSet } from "./revocation-set.ts";

// An agent's DID never changes its key, so its thumbprint is computed once per agent.
const thumbprints = new Map<string, string>();
const MAX_THUMBPRINTS = 100_000;

/**
 * The revocation checks of every authenticated call (DESIGN.md section 8): the session itself,
 * the caller's identity key and its session key, each against the in-memory index. The identity
 * key is the agent's current one (`currentKid`, after a rotation), else its did:key's. Throws
 * ERR_REVOKED_SESSION (401) or ERR_REVOKED_KEY (403), with the entry's sequence number in the
 * details.
 *
 * @example
 * assertCallerNotRevoked(context.revocations, session, now);
 */
export function assertCallerNotRevoked(
  revocations: RevocationSet,
  session: LiveSession,
  now: number,
  currentKid?: (agent: string) => string | undefined,
): void {
  const sessionSeq = revocations.revokedId("session", session.id);
  if (sessionSeq !== 0) {
    throw new RelayError("ERR_REVOKED_SESSION", `session: revoked (seq ${sessionSeq})`, {
      details: { seq: sessionSeq },
    });
  }
  const keySeq =
    revocations.revokedKey(currentKid?.(session.agent) ?? identityKid(session.agent), now) ||
    revocations.revokedKey(session.jkt, now);
  if (keySeq !== 0) {
    throw new RelayError("ERR_REVOKED_KEY", `caller: key revoked (seq ${keySeq})`, {
      details: { seq: keySeq },
    });
  }
}

function identityKid(agent: string): string {
  let kid = thumbprints.get(agent);
  if (kid === undefined) {
    kid = jwkThumbprint(publicKeyFromDid(agent));
    if (thumbprints.size >= MAX_THUMBPRINTS) thumbprints.clear();
    thumbprints.set(agent, kid);
  }
  return kid;
}
