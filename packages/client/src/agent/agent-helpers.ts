import {
  DELEGATION_TYP,
  MAX_DELEGATION_BYTES,
  parseCompactJws,
  readDelegationClaims,
} from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";

/**
 * The principal of a chain: the root delegation's `sub`. Parses the root only; the relay
 * verifies the whole chain. Throws ClientError with the parse code.
 *
 * @example
 * principalOf([root, child]); // "did:key:z6Mk..."
 */
export function principalOf(chain: readonly string[]): string {
  if (chain.length === 0)
    throw new ClientError("ERR_CHAIN_EMPTY", "chain: at least one delegation");
  try {
    const jws = parseCompactJws(chain[0], { typ: DELEGATION_TYP, maxBytes: MAX_DELEGATION_BYTES });
    return readDelegationClaims(jws.payload).claims.sub;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === undefined) throw error;
    throw new ClientError(code as ClientError["code"], (error as Error).message, { cause: error });
  }
}

/**
 * Drops the members whose value is undefined, so optional claims are absent rather than null.
 *
 * @example
 * pickDefined({ a: 1, b: undefined }); // { a: 1 }
 */
export function pickDefined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
