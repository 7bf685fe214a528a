import { readCommand } from "../delegation/command.ts";
import { MAX_CHAIN_LENGTH } from "../delegation/link-rules.ts";
import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "../json/strict-json.ts";
import {
  assertOnlyMembers,
  type Claims,
  claimInvalid,
  readDid,
  readHash,
  readJti,
  readTime,
} from "../jws/claim-checks.ts";

/** The claims of an invocation (spec 2.2). */
export interface InvocationClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly cmd: string;
  readonly args: { readonly [name: string]: JsonValue };
  readonly prf: readonly string[];
  readonly iat: number;
  readonly jti: string;
  readonly htm: string;
  readonly htu: string;
  readonly cause?: string;
}

const MEMBERS = new Set([
  "iss",
  "sub",
  "aud",
  "cmd",
  "args",
  "prf",
  "iat",
  "jti",
  "htm",
  "htu",
  "cause",
]);
const HTTP_METHOD = /^[A-Z]{1,16}$/;
const MAX_HTU_LENGTH = 2048;
const HTU = /^\S+$/;

/**
 * Checks an invocation payload in the order of the table in spec 2.2 and returns typed claims.
 * Throws ERR_TOKEN_CLAIM_INVALID, ERR_CMD_MALFORMED or ERR_CHAIN_TOO_LONG.
 *
 * @example
 * const claims = readInvocationClaims(parsedJws.payload);
 */
export function readInvocationClaims(payload: Claims): InvocationClaims {
  assertOnlyMembers(payload, MEMBERS, "invocation");
  const iss = readDid(payload.iss, "iss");
  const sub = readDid(payload.sub, "sub");
  const aud = readDid(payload.aud, "aud");
  const cmd = readCommand(payload.cmd);
  const args = payload.args;
  if (args === null || typeof args !== "object" || Array.isArray(args)) {
    return claimInvalid("args", "a JSON object");
  }
  const prf = readProofs(payload.prf);
  const iat = readTime(payload.iat, "iat");
  const jti = readJti(payload.jti);
  if (typeof payload.htm !== "string" || !HTTP_METHOD.test(payload.htm)) {
    return claimInvalid("htm", "an upper-case HTTP method");
  }
  const htu = payload.htu;
  if (typeof htu !== "string" || htu.length > MAX_HTU_LENGTH || !HTU.test(htu)) {
    return claimInvalid("htu", `a URI of at most ${MAX_HTU_LENGTH} characters`);
  }
  const cause = payload.cause === undefined ? undefined : readHash(payload.cause, "cause");
  const claims = { iss, sub, aud, cmd, args, prf, iat, jti, htm: payload.htm, htu };
  return cause === undefined ? claims : { ...claims, cause };
}

function readProofs(value: unknown): string[] {
  if (!Array.isArray(value)) return claimInvalid("prf", "an array of token hashes");
  if (value.length > MAX_CHAIN_LENGTH) {
    throw new ProtocolError("ERR_CHAIN_TOO_LONG", `prf: more than ${MAX_CHAIN_LENGTH} hashes`);
  }
  return value.map((hash, i) => readHash(hash, `prf[${i}]`));
}
