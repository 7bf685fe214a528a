// Fixed keys, times and helpers for the token conformance vectors. Everything here is
// deterministic: seeds are hashes of fixed names and Ed25519 signatures are deterministic.
import { createHash, createHmac } from "node:crypto";
import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  encodeBase64url,
  jwkThumbprint,
} from "../../packages/protocol/src/index.ts";

/** 2026-01-01T00:00:00Z, the verifier's time in every case unless stated. */
export const NOW = 1_767_225_600;
export const HOUR = 3600;
export const RELAY_URL = "https://relay.example/v1/authorize";

/** A named vector key: its seed is SHA-256("ants-token-vectors/v1/" + name). */
export interface VectorKey {
  readonly name: string;
  readonly seedHex: string;
  readonly did: string;
  readonly kid: string;
  readonly publicKey: string;
  readonly signer: Ed25519Signer;
}

function vectorKey(name: string): VectorKey {
  const seed = createHash("sha256").update(`ants-token-vectors/v1/${name}`).digest();
  const signer = createSigner(new Uint8Array(seed));
  return {
    name,
    seedHex: seed.toString("hex"),
    did: didFromPublicKey(signer.publicKey),
    kid: jwkThumbprint(signer.publicKey),
    publicKey: encodeBase64url(signer.publicKey),
    signer,
  };
}

/** The cast: alice is the principal, dan the actor, erin and frank approvers, relay the verifier. */
export const KEYS = {
  alice: vectorKey("alice"),
  bob: vectorKey("bob"),
  bobRotated: vectorKey("bob-rotated"),
  carol: vectorKey("carol"),
  dan: vectorKey("dan"),
  danSession: vectorKey("dan-session"),
  erin: vectorKey("erin"),
  frank: vectorKey("frank"),
  mallory: vectorKey("mallory"),
  relay: vectorKey("relay"),
};

/** The keys section of a vector file. */
export function keysSection(): Record<string, object> {
  return Object.fromEntries(
    Object.values(KEYS).map((key) => [
      key.name,
      { seed: key.seedHex, did: key.did, kid: key.kid, publicKey: key.publicKey },
    ]),
  );
}

/** Base64url of a UTF-8 string. */
export function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/**
 * Builds a compact JWS from raw header and payload JSON text, so a vector can hold what the
 * library would never produce (duplicate members, foreign algorithms, extra header members).
 */
export function rawToken(header: string, payload: string, signer: VectorKey): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const signature = signer.signer.sign(Buffer.from(signingInput, "latin1"));
  return `${signingInput}.${encodeBase64url(signature)}`;
}

/** The standard header for a token type, signed by `key`. */
export function header(typ: string, key: VectorKey): string {
  return `{"alg":"EdDSA","typ":"${typ}","kid":"${key.kid}"}`;
}

/** An HS256 token "signed" with the signer's public key as the HMAC secret (a classic attack). */
export function hmacToken(headerJson: string, payload: string, key: VectorKey): string {
  const signingInput = `${b64(headerJson)}.${b64(payload)}`;
  const secret = Buffer.from(key.publicKey, "base64url");
  const mac = createHmac("sha256", secret).update(signingInput).digest("base64url");
  return `${signingInput}.${mac}`;
}

/** Payload JSON of a compact token. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

/** RFC 8032 group order L. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** The same token with its signature's S replaced by S + L: a malleated, non-canonical form. */
export function malleate(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const sig = Buffer.from(s, "base64url");
  let scalar = 0n;
  for (let i = 31; i >= 0; i--) scalar = (scalar << 8n) | BigInt(sig[32 + i]!);
  scalar += L;
  for (let i = 0; i < 32; i++) {
    sig[32 + i] = Number(scalar & 0xffn);
    scalar >>= 8n;
  }
  return `${h}.${p}.${sig.toString("base64url")}`;
}

/** The same token with one signature bit flipped. */
export function flipSignatureBit(token: string): string {
  const [h, p, s] = token.split(".") as [string, string, string];
  const sig = Buffer.from(s, "base64url");
  sig[10] = sig[10]! ^ 0x01;
  return `${h}.${p}.${sig.toString("base64url")}`;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The same base64url text with a non-zero unused low bit in its last character. */
export function setTrailingBit(text: string): string {
  const unused = text.length % 4 === 2 ? 0x0f : 0x03;
  const index = ALPHABET.indexOf(text[text.length - 1]!);
  return text.slice(0, -1) + ALPHABET[(index & ~unused) | 1];
}
