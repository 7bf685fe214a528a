// Events that fail parsing or their claim tables: each is refused with ERR_KEL_MALFORMED (or
// ERR_KEL_SIGNATURE_INVALID), `reason` naming the shared token layer's code.
import { MAX_KEY_EVENT_BYTES, tokenHash } from "../../packages/protocol/src/index.ts";
import { b64, header, malleate, rawToken, type VectorKey } from "../token-vectors/fixtures.ts";
import { HOUR, KEYS, type KeyEventCase, refusedCase, T0 } from "./fixtures.ts";
import { FULL } from "./valid-cases.ts";

const { agent, next, hot2, owner, other } = KEYS;
const KEL = "ants-kel+jwt";
const CERT = "ants-owner-cert+jwt";
/** did:key of the identity point 0100..00 (order 1), refused wherever a key is expected. */
const SMALL_ORDER_DID = "did:key:z6MkeXATEjyXENzBXBxgC5EHk2JE5aqd7qMGGtDpLUH1e2Sj";

function inceptionJson(extra: Record<string, unknown> = {}, drop: string[] = []): string {
  const claims: Record<string, unknown> = {
    t: "icp",
    iss: agent.did,
    s: 0,
    k: agent.did,
    ins: 1,
    iat: T0,
    ...extra,
  };
  for (const name of drop) delete claims[name];
  return JSON.stringify(claims);
}

function rotationJson(extra: Record<string, unknown> = {}, drop: string[] = []): string {
  const claims: Record<string, unknown> = {
    t: "rot",
    iss: agent.did,
    s: 1,
    p: tokenHash(FULL.records[0]!.event),
    k: hot2.did,
    auth: "next",
    by: next.did,
    rsn: "routine",
    iat: T0,
    ...extra,
  };
  for (const name of drop) delete claims[name];
  return JSON.stringify(claims);
}

function alone(description: string, token: string, reason: string, error = "ERR_KEL_MALFORMED") {
  return refusedCase(description, { records: [{ event: token }], receivedAt: [T0] }, error, {
    index: 0,
    reason,
  });
}

function afterFull(description: string, token: string, reason?: string) {
  const log = { records: [FULL.records[0]!, { event: token }], receivedAt: [T0, T0 + HOUR] };
  return refusedCase(description, log, "ERR_KEL_MALFORMED", {
    index: 1,
    ...(reason && { reason }),
  });
}

function approvalJson(): string {
  const evt = tokenHash(FULL.records[0]!.event);
  return JSON.stringify({ t: "apv", iss: agent.did, evt, by: next.did, iat: T0 });
}

function signedBy(key: VectorKey, payload: string, typ = KEL): string {
  return rawToken(header(typ, key), payload, key);
}

function withCert(cert: string): string {
  return signedBy(agent, inceptionJson({ own: cert }));
}

function certJson(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    iss: owner.did,
    sub: agent.did,
    rec: [owner.did],
    win: 259_200,
    iat: T0,
    ...extra,
  });
}

/** Every parsing and claim refusal. */
export function malformedCases(): KeyEventCase[] {
  return [...jwsCases(), ...inceptionCases(), ...rotationCases(), ...certificateCases()];
}

function jwsCases(): KeyEventCase[] {
  const good = inceptionJson();
  return [
    alone("typ of a delegation", signedBy(agent, good, "ants-dlg+jwt"), "ERR_JWS_TYP_MISMATCH"),
    alone(
      "alg none",
      `${b64(`{"alg":"none","typ":"${KEL}","kid":"${agent.kid}"}`)}.${b64(good)}.`,
      "ERR_JWS_ALG_UNSUPPORTED",
    ),
    alone(
      "a key in the header",
      rawToken(`{"alg":"EdDSA","typ":"${KEL}","kid":"${agent.kid}","jwk":{}}`, good, agent),
      "ERR_JWS_HEADER_KEY_FORBIDDEN",
    ),
    alone(
      "a duplicate member",
      signedBy(agent, `${good.slice(0, -1)},"ins":2}`),
      "ERR_JSON_DUPLICATE_MEMBER",
    ),
    alone("an unknown member", signedBy(agent, inceptionJson({ x: 1 })), "ERR_TOKEN_CLAIM_INVALID"),
    alone(
      "an unknown event type",
      signedBy(agent, inceptionJson({ t: "del" })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "larger than the limit",
      signedBy(agent, inceptionJson({ own: "a".repeat(MAX_KEY_EVENT_BYTES) })),
      "ERR_TOKEN_TOO_LARGE",
    ),
    alone(
      "a malleated signature (S + L)",
      malleate(signedBy(agent, good)),
      "ERR_SIGNATURE_INVALID",
      "ERR_KEL_SIGNATURE_INVALID",
    ),
  ];
}

function inceptionCases(): KeyEventCase[] {
  return [
    alone(
      "an inception whose k is not its iss",
      signedBy(agent, inceptionJson({ k: other.did })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "an inception with s 1",
      signedBy(agent, inceptionJson({ s: 1 })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "an inception declaring 0 instances",
      signedBy(agent, inceptionJson({ ins: 0 })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "an inception without ins",
      signedBy(agent, inceptionJson({}, ["ins"])),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "a next-key digest that is not a hash",
      signedBy(agent, inceptionJson({ n: "abc" })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "an agent that is not a did:key",
      signedBy(agent, inceptionJson({ iss: "did:web:agent.example", k: "did:web:agent.example" })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "an inception key of small order",
      signedBy(agent, inceptionJson({ iss: SMALL_ORDER_DID, k: SMALL_ORDER_DID })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
  ];
}

function rotationCases(): KeyEventCase[] {
  return [
    afterFull(
      "a compromise rotation without cmp",
      signedBy(next, rotationJson({ rsn: "compromise" })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "a routine rotation with cmp",
      signedBy(next, rotationJson({ cmp: T0 })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "an authority outside the list",
      signedBy(next, rotationJson({ auth: "current" })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "a rotation without p",
      signedBy(next, rotationJson({}, ["p"])),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "a rotation with s 0",
      signedBy(next, rotationJson({ s: 0 })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "a new key that is not a did:key",
      signedBy(next, rotationJson({ k: "did:web:x.example" })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "a new key of small order",
      signedBy(next, rotationJson({ k: SMALL_ORDER_DID })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull(
      "a fractional compromise time",
      signedBy(next, rotationJson({ rsn: "compromise", cmp: 1.5 })),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    afterFull("an approval standing as an event", signedBy(next, approvalJson())),
  ];
}

function certificateCases(): KeyEventCase[] {
  return [
    alone(
      "an owner certificate with the typ of a key event",
      withCert(signedBy(owner, certJson(), KEL)),
      "ERR_JWS_TYP_MISMATCH",
    ),
    alone(
      "a recovery window over 30 days",
      withCert(signedBy(owner, certJson({ win: 2_592_001 }), CERT)),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "a guardian threshold above the number of guardians",
      withCert(signedBy(owner, certJson({ grd: { k: 2, of: [KEYS.g1.did] } }), CERT)),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "a recovery key listed twice",
      withCert(signedBy(owner, certJson({ rec: [owner.did, owner.did] }), CERT)),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
    alone(
      "no recovery key",
      withCert(signedBy(owner, certJson({ rec: [] }), CERT)),
      "ERR_TOKEN_CLAIM_INVALID",
    ),
  ];
}
