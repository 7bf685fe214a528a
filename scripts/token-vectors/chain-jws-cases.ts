import { type ChainCase, fails, invoke, root } from "./chain-builders.ts";
import { typeCases } from "./chain-type-cases.ts";
import {
  b64,
  flipSignatureBit,
  header,
  hmacToken,
  KEYS,
  malleate,
  payloadOf,
  rawToken,
  setTrailingBit,
} from "./fixtures.ts";

const { alice, mallory } = KEYS;
const DLG = "ants-dlg+jwt";

// The root's claims as JSON text, for tokens rebuilt by hand around them.
function rootPayload(): string {
  return JSON.stringify(payloadOf(root()));
}

// A one-link chain whose root is `token`, with dan's invocation naming it.
function asRoot(description: string, error: string, token: string): ChainCase {
  const delegations = [token];
  return fails(description, error, delegations, invoke(delegations));
}

function headerCases(): ChainCase[] {
  const p = rootPayload();
  const kid = alice.kid;
  return [
    asRoot(
      "alg none with an empty signature",
      "ERR_JWS_ALG_UNSUPPORTED",
      `${b64(`{"alg":"none","typ":"${DLG}","kid":"${kid}"}`)}.${b64(p)}.`,
    ),
    asRoot(
      "HS256 keyed with the issuer's public key",
      "ERR_JWS_ALG_UNSUPPORTED",
      hmacToken(`{"alg":"HS256","typ":"${DLG}","kid":"${kid}"}`, p, alice),
    ),
    asRoot(
      "alg in another case (eddsa)",
      "ERR_JWS_ALG_UNSUPPORTED",
      rawToken(`{"alg":"eddsa","typ":"${DLG}","kid":"${kid}"}`, p, alice),
    ),
    asRoot(
      "alg Ed25519 instead of EdDSA",
      "ERR_JWS_ALG_UNSUPPORTED",
      rawToken(`{"alg":"Ed25519","typ":"${DLG}","kid":"${kid}"}`, p, alice),
    ),
    asRoot(
      "a header-supplied key (jwk) naming mallory's key",
      "ERR_JWS_HEADER_KEY_FORBIDDEN",
      rawToken(
        `{"alg":"EdDSA","typ":"${DLG}","kid":"${mallory.kid}","jwk":{"kty":"OKP","crv":"Ed25519","x":"${mallory.publicKey}"}}`,
        p,
        mallory,
      ),
    ),
    asRoot(
      "a header key URL (jku)",
      "ERR_JWS_HEADER_KEY_FORBIDDEN",
      rawToken(
        `{"alg":"EdDSA","typ":"${DLG}","kid":"${kid}","jku":"https://evil.example/jwks"}`,
        p,
        alice,
      ),
    ),
    asRoot(
      "a header certificate chain (x5c)",
      "ERR_JWS_HEADER_KEY_FORBIDDEN",
      rawToken(`{"alg":"EdDSA","typ":"${DLG}","kid":"${kid}","x5c":[]}`, p, alice),
    ),
    asRoot(
      "a crit header member",
      "ERR_JWS_CRIT_UNSUPPORTED",
      rawToken(`{"alg":"EdDSA","typ":"${DLG}","kid":"${kid}","crit":["exp"]}`, p, alice),
    ),
    asRoot(
      "an unknown header member",
      "ERR_JWS_MALFORMED",
      rawToken(`{"alg":"EdDSA","typ":"${DLG}","kid":"${kid}","b64":false}`, p, alice),
    ),
    asRoot(
      "a missing kid",
      "ERR_JWS_KID_MISSING",
      rawToken(`{"alg":"EdDSA","typ":"${DLG}"}`, p, alice),
    ),
    asRoot(
      "kid and signature of mallory's key on alice's delegation",
      "ERR_JWS_KID_MISMATCH",
      rawToken(header(DLG, mallory), p, mallory),
    ),
    asRoot(
      "kid of alice's key but signed by mallory",
      "ERR_SIGNATURE_INVALID",
      rawToken(header(DLG, alice), p, mallory),
    ),
    asRoot(
      "typ of another case (ANTS-DLG+JWT)",
      "ERR_JWS_TYP_MISMATCH",
      rawToken(`{"alg":"EdDSA","typ":"ANTS-DLG+JWT","kid":"${kid}"}`, p, alice),
    ),
    asRoot(
      "typ missing",
      "ERR_JWS_TYP_MISMATCH",
      rawToken(`{"alg":"EdDSA","kid":"${kid}"}`, p, alice),
    ),
    asRoot(
      "duplicate alg member in the header",
      "ERR_JSON_DUPLICATE_MEMBER",
      rawToken(`{"alg":"EdDSA","alg":"none","typ":"${DLG}","kid":"${kid}"}`, p, alice),
    ),
  ];
}

function encodingCases(): ChainCase[] {
  const token = root();
  const [h, p, s] = token.split(".") as [string, string, string];
  const pl = rootPayload();
  const big = JSON.stringify({ ...payloadOf(token), pol: [["==", ".pad", "x".repeat(8200)]] });
  return [
    asRoot("an S + L malleated signature", "ERR_SIGNATURE_INVALID", malleate(token)),
    asRoot("one signature bit flipped", "ERR_SIGNATURE_INVALID", flipSignatureBit(token)),
    asRoot("a padded base64url signature", "ERR_BASE64URL_INVALID", `${h}.${p}.${s}==`),
    asRoot(
      "a base64 (not base64url) alphabet in the payload",
      "ERR_BASE64URL_INVALID",
      `${h}.${p.slice(0, -1)}+.${s}`,
    ),
    asRoot(
      "a non-canonical base64url signature (trailing bits)",
      "ERR_BASE64URL_INVALID",
      `${h}.${p}.${setTrailingBit(s)}`,
    ),
    asRoot(
      "a 63-byte signature",
      "ERR_SIGNATURE_INVALID",
      `${h}.${p}.${Buffer.from(s, "base64url").subarray(1).toString("base64url")}`,
    ),
    asRoot("two segments only", "ERR_JWS_MALFORMED", `${h}.${p}`),
    asRoot("four segments", "ERR_JWS_MALFORMED", `${token}.${s}`),
    asRoot(
      "the JWS JSON serialization",
      "ERR_NOT_SUPPORTED",
      JSON.stringify({ protected: h, payload: p, signature: s }),
    ),
    asRoot(
      "a delegation larger than 8,192 bytes",
      "ERR_TOKEN_TOO_LARGE",
      rawToken(header(DLG, alice), big, alice),
    ),
    asRoot(
      "duplicate members in the payload (two cmd)",
      "ERR_JSON_DUPLICATE_MEMBER",
      rawToken(
        header(DLG, alice),
        pl.replace('"cmd":"/twitter"', '"cmd":"/twitter/post","cmd":"/"'),
        alice,
      ),
    ),
    asRoot(
      "a duplicate member spelled with an escape",
      "ERR_JSON_DUPLICATE_MEMBER",
      rawToken(
        header(DLG, alice),
        pl.replace('"cmd":"/twitter"', '"cmd":"/twitter","\\u0063md":"/"'),
        alice,
      ),
    ),
    asRoot(
      "a payload that is not JSON",
      "ERR_JSON_INVALID",
      rawToken(header(DLG, alice), pl.slice(0, -1), alice),
    ),
    asRoot(
      "a payload with a byte order mark",
      "ERR_JSON_INVALID",
      rawToken(header(DLG, alice), `\ufeff${pl}`, alice),
    ),
    asRoot(
      "an exp beyond 2^53 - 1",
      "ERR_NUMBER_UNSAFE",
      rawToken(header(DLG, alice), pl.replace(/"exp":\d+/, '"exp":9007199254740993'), alice),
    ),
    asRoot(
      "a payload that is a JSON array",
      "ERR_TOKEN_CLAIM_INVALID",
      rawToken(header(DLG, alice), "[]", alice),
    ),
  ];
}

/** JWS-level must-fail cases. */
export function jwsChainCases(): ChainCase[] {
  return [...headerCases(), ...encodingCases(), ...typeCases()];
}
