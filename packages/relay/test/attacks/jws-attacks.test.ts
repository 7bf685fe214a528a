import { createHmac } from "node:crypto";
import {
  createSigner,
  decodeBase64url,
  didFromPublicKey,
  encodeBase64url,
  generateKeyPair,
  jwkThumbprint,
  publicKeyToJwk,
} from "@ants/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, TestAgent } from "../helpers/test-agent.ts";
import { type AttackWorld, forgedJws, startAttackWorld, withPart } from "./attack-world.ts";

// Issue 13, attack suite: forged, malleated and mis-encoded JWS reaching the relay.
let world: AttackWorld;
beforeAll(async () => {
  world = await startAttackWorld();
});
afterAll(async () => {
  await world.close();
});

// RFC 8032 section 5.1.7: L, the order of the base point, little-endian.
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function registrationClaims(agent: TestAgent) {
  const now = world.clock.now;
  return { iss: agent.did, aud: world.target.did, iat: now, jti: "attack-jti-0001", instances: 1 };
}

function register(registration: string) {
  return send(world.target, "POST", "/v1/agents", { registration });
}

describe("forged algorithms", () => {
  it.each(["none", "NONE", "None", "nOnE"])("refuses alg %s at registration", async (alg) => {
    const agent = new TestAgent(world.target, world.clock);
    const header = { alg, typ: "ants-reg+jwt", kid: jwkThumbprint(agent.signer.publicKey) };
    // One signature byte: the body schema wants three non-empty parts, the JWS parser the alg.
    const answer = await register(forgedJws(header, registrationClaims(agent), new Uint8Array(1)));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_JWS_ALG_UNSUPPORTED");
  });

  it("refuses an HS256 session token keyed with the relay's public key", async () => {
    const agent = await world.agent();
    const relayKey = decodeBase64url(
      (await send(world.target, "GET", "/.well-known/jwks.json")).body.keys[0].x,
      "x",
    );
    const header = { alg: "HS256", typ: "ants-session+jwt" };
    const payload = { iss: world.target.did, sub: agent.did, aud: world.target.did };
    const input = `${b64(header)}.${b64(payload)}`;
    const mac = createHmac("sha256", relayKey).update(input).digest();
    const token = `${input}.${encodeBase64url(mac)}`;
    const path = `/v1/agents/${agent.did}/sessions`;
    const answer = await agent.call("GET", path, {
      authorization: `DPoP ${token}`,
      dpop: agent.proof("GET", path, { token }),
    });
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_SESSION_UNKNOWN");
  });
});

describe("keys and signatures", () => {
  it("refuses a header-supplied key", async () => {
    const agent = new TestAgent(world.target, world.clock);
    const header = {
      alg: "EdDSA",
      typ: "ants-reg+jwt",
      kid: jwkThumbprint(agent.signer.publicKey),
      jwk: publicKeyToJwk(agent.signer.publicKey),
    };
    const input = `${b64(header)}.${b64(registrationClaims(agent))}`;
    const token = `${input}.${encodeBase64url(agent.signer.sign(Buffer.from(input)))}`;
    const answer = await register(token);
    expect(answer.body.code).toBe("ERR_JWS_HEADER_KEY_FORBIDDEN");
  });

  it("refuses a signature malleated to S + L", async () => {
    const agent = new TestAgent(world.target, world.clock);
    const token = agent.registration();
    const signature = decodeBase64url(token.split(".")[2]!, "signature");
    const s = leToBigInt(signature.subarray(32)) + L;
    const malleated = Buffer.concat([signature.subarray(0, 32), bigIntToLe(s)]);
    const answer = await register(withPart(token, 2, encodeBase64url(malleated)));
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe("ERR_SIGNATURE_INVALID");
  });

  it("refuses a small-order public key at registration", async () => {
    // The neutral point (0, 1): every signature "verifies" under it without the order check.
    const smallOrder = new Uint8Array(32);
    smallOrder[0] = 1;
    const forger = { publicKey: smallOrder, sign: () => new Uint8Array(64) };
    const did = didFromPublicKey(smallOrder);
    const header = { alg: "EdDSA", typ: "ants-reg+jwt", kid: jwkThumbprint(smallOrder) };
    const now = world.clock.now;
    const claims = {
      iss: did,
      aud: world.target.did,
      iat: now,
      jti: "attack-jti-0002",
      instances: 1,
    };
    const answer = await register(forgedJws(header, claims, forger.sign()));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe("ERR_KEY_SMALL_ORDER");
  });

  it("refuses a registration addressed to another relay", async () => {
    const agent = new TestAgent(world.target, world.clock);
    const other = didFromPublicKey(createSigner(generateKeyPair().seed).publicKey);
    const answer = await register(agent.registration({ aud: other }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "ERR_REGISTRATION_INVALID" });
    expect(answer.body.detail).toMatch(/aud/);
  });
});

describe("base64url", () => {
  it("refuses a padded token", async () => {
    const agent = new TestAgent(world.target, world.clock);
    const answer = await register(`${agent.registration()}==`);
    expect(answer.body.code).toBe("ERR_REQUEST_FIELD_INVALID");
  });

  it("refuses a signature whose last character has non-zero spare bits", async () => {
    const agent = new TestAgent(world.target, world.clock);
    const token = agent.registration();
    const signature = token.split(".")[2]!;
    // 64 bytes are 86 characters; the last carries 4 data bits and 2 spare ones.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(signature.at(-1)!);
    const mangled = signature.slice(0, -1) + alphabet[last | 1];
    const answer = await register(withPart(token, 2, mangled));
    expect(answer.body.code).toBe("ERR_BASE64URL_INVALID");
  });
});

function b64(value: object): string {
  return encodeBase64url(Buffer.from(JSON.stringify(value)));
}

function leToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

function bigIntToLe(value: bigint): Buffer {
  const out = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) out[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return out;
}
