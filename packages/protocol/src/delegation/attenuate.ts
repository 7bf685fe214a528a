import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";
import { parseCompactJws } from "../jws/compact-jws.ts";
import type { SignTokenOptions } from "../jws/sign-options.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { DELEGATION_TYP, MAX_DELEGATION_BYTES } from "../jws/token-types.ts";
import { type ApprovalRequirement, readDelegationClaims } from "./delegation-claims.ts";
import { checkChild, checkRoot, MAX_CHAIN_LENGTH, type ParentLink } from "./link-rules.ts";
import { signDelegation } from "./sign-delegation.ts";

/** What a child delegation changes; everything omitted is inherited from the parent. */
export interface AttenuationInput {
  /** The delegate. */
  aud: string;
  /** Default the parent's `cmd`; may only narrow. */
  cmd?: string;
  /** The child's own new statements; the parents' statements still apply. Default none. */
  pol?: readonly JsonValue[];
  /** Default the parent's `exp`; may only be earlier. */
  exp?: number;
  /** Default the parent's `nbf`; may only be later. */
  nbf?: number;
  /** Default absent (one hop fewer than the parent allows); may only decrease. */
  dpth?: number;
  /** Default the parent's `apr`; may only be stricter. */
  apr?: ApprovalRequirement;
  /** Default the parent's `lvl`; may only rise. */
  lvl?: number;
  /** Default the parent's `aud` (the signer must be that agent). */
  iss?: string;
  iat?: number;
  jti?: string;
}

/**
 * Derives a child delegation from its parent and signs it, refusing at creation time anything
 * a verifier would refuse as widening (spec 6): same codes as spec 4.4 step 4.3. `parent` is
 * the parent token, or the whole chain root first so the remaining depth is known exactly.
 * Does not verify the parent's signatures; a delegate checks those with `verifyDelegations`.
 *
 * @example
 * const child = attenuate(rootToken, { aud: carolDid, cmd: "/twitter/post" }, { signer: bob });
 */
export function attenuate(
  parent: string | readonly string[],
  input: AttenuationInput,
  options: SignTokenOptions,
): string {
  const chain = typeof parent === "string" ? [parent] : parent;
  const last = parentLink(chain);
  const p = last.claims;
  const claims = {
    iss: input.iss ?? p.aud,
    aud: input.aud,
    sub: p.sub,
    cmd: input.cmd ?? p.cmd,
    pol: input.pol ?? [],
    exp: input.exp ?? p.exp,
    nbf: input.nbf ?? p.nbf,
    iat: input.iat,
    jti: input.jti,
    prf: last.hash,
    dpth: input.dpth,
    apr: input.apr ?? p.apr,
    lvl: input.lvl ?? p.lvl,
  };
  const child = readDelegationClaims(
    JSON.parse(JSON.stringify({ ...claims, iat: 0, jti: "check" })),
  ).claims;
  checkChild(last, child);
  return signDelegation(claims, options);
}

// Walks the given chain with the verifier's rules to learn the parent's effective depth. A
// lone non-root parent is taken at its declared depth, the most it can allow.
function parentLink(chain: readonly string[]): ParentLink {
  let link: ParentLink | undefined;
  for (const token of chain) {
    const jws = parseCompactJws(token, { typ: DELEGATION_TYP, maxBytes: MAX_DELEGATION_BYTES });
    const { claims } = readDelegationClaims(jws.payload);
    let depth: number;
    if (link !== undefined) depth = checkChild(link, claims);
    else if (claims.prf === undefined) depth = checkRoot(claims);
    else depth = Math.min(claims.dpth ?? MAX_CHAIN_LENGTH - 1, MAX_CHAIN_LENGTH - 1);
    link = { claims, hash: tokenHash(token), depth };
  }
  if (link === undefined) throw new ProtocolError("ERR_CHAIN_EMPTY", "parent: expected a token");
  return link;
}
