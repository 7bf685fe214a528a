import { encodeBase64url } from "../encoding/base64url.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import { parseStrictJson } from "../json/strict-json.ts";
import type { Ed25519Signer } from "../keys/ed25519.ts";
import type { TokenTyp } from "./token-types.ts";
import { cachedThumbprint } from "./verify-jws-signature.ts";

/**
 * Signs a payload as a compact JWS with the header `{"alg":"EdDSA","typ":...,"kid":...}`, `kid`
 * the signer's RFC 7638 thumbprint. The payload JSON is run through the strict parser first, so
 * nothing is signed that a verifier would refuse (unsafe numbers, lone surrogates, depth).
 *
 * @example
 * const token = signCompactJws("ants-apr+jwt", { iss, inv, iat, jti }, signer);
 */
export function signCompactJws(typ: TokenTyp, payload: object, signer: Ed25519Signer): string {
  const header = `{"alg":"EdDSA","typ":"${typ}","kid":"${cachedThumbprint(signer.publicKey)}"}`;
  const json = JSON.stringify(payload, refuseNonFinite);
  parseStrictJson(json, { field: "payload" });
  const signingInput = `${encodeBase64url(Buffer.from(header))}.${encodeBase64url(Buffer.from(json))}`;
  const signature = signer.sign(Buffer.from(signingInput, "latin1"));
  return `${signingInput}.${encodeBase64url(signature)}`;
}

// JSON.stringify would silently write NaN and Infinity as null; a signer must not change values.
function refuseNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new ProtocolError("ERR_NUMBER_UNSAFE", "payload: numbers must be finite");
  }
  return value;
}
