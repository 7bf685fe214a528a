import { decodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import type { HandleChallenge } from "./parse-challenge.ts";
import { NONCE_LENGTH, SUB_PUZZLE_COUNT } from "./pow-constants.ts";
import { needsMemoryStep } from "./puzzle.ts";

/** A solution as the client sends it. */
export interface HandleSolution {
  /** base64url of the 32 sub-puzzle nonces, 8 bytes each, in sub-puzzle order. */
  nonces: string;
  /** base64url of the 32-byte scrypt output; present exactly when the handle is under 6. */
  memo?: string;
}

/** A solution decoded to bytes. */
export interface DecodedSolution {
  nonces: Uint8Array;
  memo: Uint8Array | undefined;
}

const MEMO_LENGTH = 32;

/**
 * Checks the shape of a solution for `challenge` and decodes it. Throws ERR_MALFORMED,
 * ERR_BASE64URL_INVALID, or ERR_POW_INVALID when a short handle's solution lacks its memo.
 *
 * @example
 * const { nonces, memo } = parseSolution(body.solution, challenge);
 */
export function parseSolution(value: unknown, challenge: HandleChallenge): DecodedSolution {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtocolError("ERR_MALFORMED", "solution: expected an object");
  }
  const fields = value as Record<string, unknown>;

  const nonces = decodeField(fields.nonces, "solution.nonces", SUB_PUZZLE_COUNT * NONCE_LENGTH);

  if (!needsMemoryStep(challenge.handle)) {
    if (fields.memo !== undefined) {
      throw new ProtocolError("ERR_MALFORMED", "solution.memo: not expected for this handle");
    }
    return { nonces, memo: undefined };
  }

  if (fields.memo === undefined) {
    throw new ProtocolError("ERR_POW_INVALID", "solution.memo: required for short handles");
  }
  return { nonces, memo: decodeField(fields.memo, "solution.memo", MEMO_LENGTH) };
}

function decodeField(value: unknown, field: string, length: number): Uint8Array {
  // Bound the string before decoding so an oversized field costs nothing.
  if (typeof value !== "string" || value.length !== Math.ceil((length * 4) / 3)) {
    throw new ProtocolError("ERR_MALFORMED", `${field}: expected ${length} bytes of base64url`);
  }
  return decodeBase64url(value, field);
}
