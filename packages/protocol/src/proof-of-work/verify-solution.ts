import { timingSafeEqual } from "node:crypto";
import { ProtocolError } from "../errors/protocol-error.ts";
import { normalizeHandle } from "../handles/normalize-handle.ts";
import { verifyChallenge } from "./challenge.ts";
import type { HandleChallenge } from "./parse-challenge.ts";
import { parseSolution } from "./parse-solution.ts";
import { checkPuzzleSolution, computeMemo } from "./puzzle.ts";

/** Options of `verifySolution`. */
export interface VerifySolutionOptions {
  /** The challenge as the client echoed it. */
  challenge: unknown;
  /** The solution as the client sent it. */
  solution: unknown;
  /** The handle being claimed, from the claim request. */
  handle: string;
  /** did:key of the agent claiming, the one whose signature the relay checks. */
  agent: string;
  /** The relay's challenge secret. */
  secret: Uint8Array;
  /** Unix seconds. Default: the clock. */
  now?: number;
}

/**
 * Verifies a proof of work for a claim, cheapest check first: the challenge's MAC and expiry
 * (one HMAC), that it was issued for this handle and agent, the hash test (33 SHA-256), and
 * only then, for handles under 6 characters, the memory-hard step (one scrypt, off the event
 * loop), so forcing the relay into scrypt costs a full solve. Resolves to the verified
 * challenge, whose `seed` the relay records until `expiresAt` to make the solution
 * single-use. Rejects with ERR_POW_INVALID, ERR_POW_EXPIRED, or a shape error
 * (ERR_MALFORMED, ERR_BASE64URL_INVALID, ERR_HANDLE_INVALID).
 *
 * @example
 * const challenge = await verifySolution({
 *   challenge: body.challenge, solution: body.solution,
 *   handle: body.handle, agent: callerDid, secret, now,
 * });
 */
export async function verifySolution(options: VerifySolutionOptions): Promise<HandleChallenge> {
  const challenge = verifyChallenge(options.challenge, options);

  if (normalizeHandle(options.handle) !== challenge.handle) {
    throw new ProtocolError("ERR_POW_INVALID", "challenge.handle: issued for another handle");
  }

  if (options.agent !== challenge.agent) {
    throw new ProtocolError("ERR_POW_INVALID", "challenge.agent: issued for another agent");
  }

  const solution = parseSolution(options.solution, challenge);

  if (!checkPuzzleSolution(challenge, solution.nonces)) {
    throw new ProtocolError("ERR_POW_INVALID", "solution.nonces: hash test failed");
  }

  if (solution.memo !== undefined) {
    const memo = await computeMemo(challenge, solution.nonces);
    if (!timingSafeEqual(memo, solution.memo)) {
      throw new ProtocolError("ERR_POW_INVALID", "solution.memo: memory-hard step failed");
    }
  }

  return challenge;
}
