import { didFromPublicKey } from "../did/did-key.ts";
import type { JsonValue } from "../json/strict-json.ts";
import { signCompactJws } from "../jws/sign-jws.ts";
import { issuedAt, randomJti, type SignTokenOptions } from "../jws/sign-options.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { INVOCATION_TYP } from "../jws/token-types.ts";
import { readInvocationClaims } from "./invocation-claims.ts";

/** Claims for {@link signInvocation}; omitted ones get the documented defaults. */
export interface InvocationInput {
  /** The actor (identity DID); default the did:key of the signer. Set it when a session key signs. */
  iss?: string;
  /** The principal. */
  sub: string;
  /** The relay's DID. */
  aud: string;
  cmd: string;
  args: { readonly [name: string]: JsonValue };
  /** Token hashes of the chain, root first; or give `delegations` and they are hashed. */
  prf?: readonly string[];
  /** The chain's tokens, root first, when `prf` is omitted. */
  delegations?: readonly string[];
  htm: string;
  htu: string;
  cause?: string;
  /** Default the signing time. */
  iat?: number;
  /** Default 128 random bits. */
  jti?: string;
}

/**
 * Signs an invocation (spec 2.2), normally with the actor's session key. Its claims are checked
 * with the verifier's rules first. Throws ERR_TOKEN_CLAIM_INVALID, ERR_CMD_MALFORMED,
 * ERR_CHAIN_TOO_LONG or ERR_NUMBER_UNSAFE.
 *
 * @example
 * const invocation = signInvocation(
 *   { iss: carolDid, sub: aliceDid, aud: relayDid, cmd: "/twitter/post", args: { text: "hi" },
 *     delegations: [root, child], htm: "POST", htu: "https://relay.example/v1/authorize" },
 *   { signer: carolSession },
 * );
 */
export function signInvocation(input: InvocationInput, options: SignTokenOptions): string {
  const claims = {
    iss: input.iss ?? didFromPublicKey(options.signer.publicKey),
    sub: input.sub,
    aud: input.aud,
    cmd: input.cmd,
    args: input.args,
    prf: input.prf ?? (input.delegations ?? []).map(tokenHash),
    iat: input.iat ?? issuedAt(options),
    jti: input.jti ?? randomJti(),
    htm: input.htm,
    htu: input.htu,
    cause: input.cause,
  };
  readInvocationClaims(JSON.parse(JSON.stringify(claims)));
  return signCompactJws(INVOCATION_TYP, claims, options.signer);
}
