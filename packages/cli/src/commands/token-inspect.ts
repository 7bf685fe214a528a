import {
  decodeBase64url,
  type JsonValue,
  ProtocolError,
  parseStrictJsonBytes,
  tokenHash,
} from "@ants/protocol";
import type { Command } from "commander";
import { printResult } from "../output.ts";

const KINDS: Record<string, string> = {
  "ants-dlg+jwt": "delegation",
  "ants-inv+jwt": "invocation",
  "ants-apr+jwt": "approval",
};
const TIME_CLAIMS = new Set(["exp", "nbf", "iat"]);

/** A token decoded for reading, its signature unchecked. */
export interface InspectedToken {
  header: JsonValue;
  payload: JsonValue;
  hash: string;
  signatureBytes: number;
}

/**
 * Decodes a compact token without verifying it: strict base64url and strict JSON, so a token
 * that a verifier would refuse for its encoding is refused here with the same code.
 *
 * @example
 * inspectToken(token).payload; // { iss: "did:key:...", ... }
 */
export function inspectToken(token: string): InspectedToken {
  const parts = token.trim().split(".");
  if (parts.length !== 3) {
    throw new ProtocolError("ERR_JWS_MALFORMED", "token: expected header.payload.signature");
  }
  const [header, payload, signature] = parts as [string, string, string];
  return {
    header: parseStrictJsonBytes(decodeBase64url(header, "header"), { field: "header" }),
    payload: parseStrictJsonBytes(decodeBase64url(payload, "payload"), { field: "payload" }),
    hash: tokenHash(token.trim()),
    signatureBytes: decodeBase64url(signature, "signature").length,
  };
}

/**
 * Registers `ants token inspect TOKEN [--json]`: prints a token's header and claims in a
 * readable form, times also as ISO 8601. It verifies nothing; see `ants token verify`.
 *
 * @example
 * registerTokenInspect(tokenCommand);
 */
export function registerTokenInspect(token: Command): void {
  token
    .command("inspect")
    .description("decode a token and print its header and claims (verifies nothing)")
    .argument("<token>", "a compact token")
    .option("--json", "print JSON for scripts")
    .action((text: string, options: { json?: boolean }) => {
      const inspected = inspectToken(text);
      printResult({ json: options.json === true }, inspected, describeLines(inspected));
    });
}

function describeLines(token: InspectedToken): string[] {
  const header = token.header as Record<string, JsonValue>;
  const typ = String(header.typ);
  const lines = [
    `type:    ${typ}${KINDS[typ] ? ` (${KINDS[typ]})` : ""}`,
    `hash:    ${token.hash}`,
    `kid:     ${String(header.kid)}`,
  ];
  const payload = token.payload;
  if (payload !== null && typeof payload === "object" && !Array.isArray(payload)) {
    for (const [name, value] of Object.entries(payload)) lines.push(claimLine(name, value));
  }
  lines.push("signature not verified; use `ants token verify` to check it");
  return lines;
}

function claimLine(name: string, value: JsonValue): string {
  const label = `${name}:`.padEnd(9);
  if (TIME_CLAIMS.has(name) && typeof value === "number" && Number.isSafeInteger(value)) {
    const iso = new Date(value * 1000).toISOString().replace(".000Z", "Z");
    return `${label}${value} (${iso})`;
  }
  return `${label}${typeof value === "string" ? value : JSON.stringify(value)}`;
}
