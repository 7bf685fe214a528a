// Deterministic test agents for token tests.
import { createHash } from "node:crypto";
import {
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  jwkThumbprint,
} from "../../src/index.ts";

/** A test agent: its signer, DID and key thumbprint. */
export interface TestAgent {
  readonly signer: Ed25519Signer;
  readonly did: string;
  readonly kid: string;
}

/** The agent whose seed is SHA-256 of `name`. */
export function testAgent(name: string): TestAgent {
  const signer = createSigner(new Uint8Array(createHash("sha256").update(name).digest()));
  return { signer, did: didFromPublicKey(signer.publicKey), kid: jwkThumbprint(signer.publicKey) };
}

/** 2026-01-01T00:00:00Z. */
export const T0 = 1_767_225_600;
export const RELAY = testAgent("test-relay");
export const HTU = "https://relay.test/v1/authorize";
