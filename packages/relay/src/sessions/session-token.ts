import { randomBytes } from "node:crypto";
import { decodeBase64url, SESSION_TYP, signCompactJws } from "@ants/protocol";
import type { RelayIdentity } from "../identity/relay-identity.ts";

/** Longest session the relay grants (DESIGN.md section 4: at most 15 minutes). */
export const MAX_SESSION_SECONDS = 900;

/** Claims of a session token (docs/spec/sessions.md 3.3). */
export interface SessionTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  cnf: { jkt: string };
  instance: string;
}

/**
 * Signs a session token with the relay's key.
 *
 * @example
 * const token = signSessionToken(identity, { agent, instance, jkt, now, ttl: 900 });
 */
export function signSessionToken(
  identity: RelayIdentity,
  input: { agent: string; instance: string; jkt: string; now: number; ttl: number },
): { token: string; claims: SessionTokenClaims } {
  const claims: SessionTokenClaims = {
    iss: identity.did,
    aud: identity.did,
    sub: input.agent,
    iat: input.now,
    exp: input.now + Math.min(input.ttl, MAX_SESSION_SECONDS),
    jti: randomBytes(16).toString("base64url"),
    cnf: { jkt: input.jkt },
    instance: input.instance,
  };
  return { token: signCompactJws(SESSION_TYP, claims, identity.signer), claims };
}

/**
 * Reads a token's claims without verifying it, only to choose the error code for a token that
 * is not a live session (docs/spec/sessions.md 4.2). Returns undefined for anything unreadable.
 * Nothing read here is ever trusted.
 *
 * @example
 * peekSessionClaims(token)?.aud;
 */
export function peekSessionClaims(token: string): { aud?: unknown; exp?: unknown } | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1]!.length > 4096) return undefined;
  try {
    const value: unknown = JSON.parse(
      Buffer.from(decodeBase64url(parts[1]!, "payload")).toString(),
    );
    return typeof value === "object" && value !== null ? (value as { aud?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
