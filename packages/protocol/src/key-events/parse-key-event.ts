import { publicKeyFromDid } from "../did/did-key.ts";
import { type ParsedJws, parseCompactJws } from "../jws/compact-jws.ts";
import { tokenHash } from "../jws/token-hash.ts";
import { KEY_EVENT_TYP } from "../jws/token-types.ts";
import { verifyJwsSignature } from "../jws/verify-jws-signature.ts";
import { type KelPlace, withinEvent } from "./kel-errors.ts";
import { type KeyEventClaims, readKeyEventClaims } from "./key-event-claims.ts";
import { MAX_KEY_EVENT_BYTES } from "./key-event-limits.ts";

/** A key event whose structure and claims passed; its signature is not yet checked. */
export interface ParsedKeyEvent {
  readonly jws: ParsedJws;
  readonly claims: KeyEventClaims;
  /** Token hash of the exact compact bytes (docs/spec/tokens.md 1.3). */
  readonly hash: string;
}

/**
 * Parses one key event or guardian approval: the strict compact JWS of docs/spec/tokens.md 4.3
 * with `typ: ants-kel+jwt`, then its claims. Throws ERR_KEL_MALFORMED.
 *
 * @example
 * const { claims, hash } = parseKeyEvent(token, { index: 0, field: "events[0]" });
 */
export function parseKeyEvent(token: unknown, place: KelPlace): ParsedKeyEvent {
  return withinEvent(place, () => {
    const jws = parseCompactJws(token, { typ: KEY_EVENT_TYP, maxBytes: MAX_KEY_EVENT_BYTES });
    return { jws, claims: readKeyEventClaims(jws.payload), hash: tokenHash(jws.compact) };
  });
}

/**
 * Checks that the key `did` names signed the event: its thumbprint is the header's `kid` and
 * the signature verifies. Throws ERR_KEL_SIGNATURE_INVALID.
 *
 * @example
 * verifyKeyEventSignature(event, claims.by, place);
 */
export function verifyKeyEventSignature(event: ParsedKeyEvent, did: string, place: KelPlace) {
  withinEvent(place, () => verifyJwsSignature(event.jws, publicKeyFromDid(did)));
}
