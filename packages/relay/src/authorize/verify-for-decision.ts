import {
  type ChainVerification,
  isProtocolError,
  type ProtocolError,
  verifyChain,
  verifyJwsSignature,
} from "@ants/protocol";
import type { RelayContext } from "../app/relay-context.ts";
import { RelayError } from "../errors/relay-error.ts";
import { keyEventBookOf } from "../key-events/key-event-book.ts";
import type { BoundInvocation } from "./authorize-request.ts";

/** What chain verification concluded: a result, or a refusal to audit as `deny`. */
export type ChainOutcome = { result: ChainVerification } | { refusal: ProtocolError };

/** Inputs of {@link verifyForDecision}. */
export interface ChainInputs {
  bound: BoundInvocation;
  invocation: string;
  chain: readonly string[];
  /** The decision time: now, or the original request's time when a pending one is re-decided. */
  now: number;
  url: string;
  /** The session key that signed the invocation, and its thumbprint. */
  sessionKey: Uint8Array;
  jkt: string;
}

/**
 * Runs chain verification (steps 3 and 4) and sorts its failures: a refusal is only worth an
 * audit entry once the invocation's signature is known to be the caller's, so when verification
 * stopped before checking it, it is checked here (on the failure path only), and an invocation
 * that does not verify is a 401 that is never audited. Throws ERR_SIGNATURE_INVALID (401) for a
 * forged invocation; returns a refusal for everything else.
 *
 * @example
 * const outcome = verifyForDecision(context, inputs);
 * if ("refusal" in outcome) audit deny;
 */
export function verifyForDecision(context: RelayContext, inputs: ChainInputs): ChainOutcome {
  let signatureReached = false;
  try {
    const result = verifyChain({
      delegations: inputs.chain,
      invocation: inputs.invocation,
      parsedInvocation: inputs.bound,
      now: inputs.now,
      audience: context.identity.did,
      request: { method: "POST", url: inputs.url },
      invocationKey: (actor, kid) => {
        signatureReached = true;
        return actor === inputs.bound.claims.iss && kid === inputs.jkt
          ? inputs.sessionKey
          : undefined;
      },
      // After a rotation an agent signs with its current key, not the one its did:key encodes.
      resolveKey: keyEventBookOf(context).resolveKey,
      isRevoked: context.revocations.check,
      firstSeen: context.firstSeen.lookup,
      cache: context.linkCache,
    });
    context.firstSeen.recordLinks(result.links, inputs.now);
    return { result };
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    if (signatureReached && error.code === "ERR_SIGNATURE_INVALID") throw forged(error);
    if (!signatureReached) assertCallerSigned(inputs);
    return { refusal: error };
  }
}

function assertCallerSigned(inputs: ChainInputs): void {
  try {
    verifyJwsSignature(inputs.bound.jws, inputs.sessionKey);
  } catch (error) {
    throw forged(error);
  }
}

function forged(cause: unknown): RelayError {
  return new RelayError("ERR_SIGNATURE_INVALID", "invocation: signature invalid", { cause });
}
