import { randomBytes } from "node:crypto";
import {
  ACCESS_TOKEN_TYP,
  type Ed25519Signer,
  encodeBase64url,
  jwkThumbprint,
} from "@ants/protocol";
import type { RelayIdentity } from "../identity/relay-identity.ts";

/** Longest access token lifetime (DESIGN.md section 6: at most five minutes). */
export const MAX_ACCESS_TOKEN_SECONDS = 300;

/** RFC 8693 section 4.1 actor claim, nested for prior actors. */
export interface ActorClaim {
  sub: string;
  act?: ActorClaim;
}

/** What an access token states (docs/spec/authorize.md section 3). */
export interface AccessTokenInput {
  /** The relay's origin, `iss`. */
  issuer: string;
  resource: string;
  principal: string;
  actor: string;
  /** Who instructed the actor, nearest first: the leaf delegation's issuer, then its parent's... */
  instructors: readonly string[];
  command: string;
  argsHash: string;
  invocationHash: string;
  /** Thumbprint of the actor's session key. */
  jkt: string;
  auditIndex: number;
  now: number;
  /** The chain's earliest `exp`: the token never outlives it. */
  notAfter: number;
}

/**
 * Signs an RFC 9068 access token for a resource server, valid for at most five minutes and never
 * beyond the chain it rests on.
 *
 * @example
 * const { token, expiresAt } = signAccessToken(identity, input);
 */
export function signAccessToken(
  identity: RelayIdentity,
  input: AccessTokenInput,
): { token: string; expiresAt: number } {
  const expiresAt = Math.min(input.now + MAX_ACCESS_TOKEN_SECONDS, input.notAfter);
  const claims = {
    iss: input.issuer,
    aud: input.resource,
    sub: input.principal,
    client_id: input.actor,
    iat: input.now,
    exp: expiresAt,
    jti: randomBytes(16).toString("base64url"),
    act: actorChain(input.actor, input.instructors),
    cmd: input.command,
    args_hash: input.argsHash,
    inv: input.invocationHash,
    cnf: { jkt: input.jkt },
    audit_index: input.auditIndex,
  };
  return { token: signAccessTokenClaims(claims, identity.signer), expiresAt };
}

// The header never changes for one relay key, so its base64url segment is encoded once.
const headerSegments = new WeakMap<Ed25519Signer, string>();

function headerSegmentOf(signer: Ed25519Signer): string {
  let segment = headerSegments.get(signer);
  if (segment === undefined) {
    const kid = jwkThumbprint(signer.publicKey);
    const header = `{"alg":"EdDSA","typ":"${ACCESS_TOKEN_TYP}","kid":"${kid}"}`;
    segment = encodeBase64url(Buffer.from(header));
    headerSegments.set(signer, segment);
  }
  return segment;
}

// The same compact JWS as `signCompactJws` (RFC 7515 section 7.1), without its strict re-parse of
// the payload: every claim is a string the strict parser accepted in the chain or invocation, the
// relay's own origin, an ASCII resource URI (checkResource), or a safe integer from the clock and
// the audit sequence, so nothing in it could fail that parse.
function signAccessTokenClaims(claims: object, signer: Ed25519Signer): string {
  const payload = encodeBase64url(Buffer.from(JSON.stringify(claims)));
  const signingInput = `${headerSegmentOf(signer)}.${payload}`;
  const signature = signer.sign(Buffer.from(signingInput, "latin1"));
  return `${signingInput}.${encodeBase64url(signature)}`;
}

/**
 * Nests the actor and its instructors, nearest first (RFC 8693 section 4.1).
 *
 * @example
 * actorChain("did:stuart", ["did:kevin"]); // { sub: "did:stuart", act: { sub: "did:kevin" } }
 */
export function actorChain(actor: string, instructors: readonly string[]): ActorClaim {
  let claim: ActorClaim | undefined;
  for (let i = instructors.length - 1; i >= 0; i--) {
    claim = claim === undefined ? { sub: instructors[i]! } : { sub: instructors[i]!, act: claim };
  }
  return claim === undefined ? { sub: actor } : { sub: actor, act: claim };
}
