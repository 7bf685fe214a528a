import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A kind of secret material, and how it looks in a log line or an output. */
export interface SecretPattern {
  readonly name: string;
  readonly pattern: RegExp;
}

/** A value already replaced by the relay logger's redaction (never itself a finding). */
const NOT_REDACTED = String.raw`(?!\[redacted\])`;

/**
 * What must never appear in anything the relay logs (and, but for the one token a command
 * exists to print, anything the CLI prints): tokens, key material, credentials.
 */
export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    name: "a compact JWS",
    pattern: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}/,
  },
  { name: "an age identity", pattern: /AGE-SECRET-KEY-/i },
  { name: "a private JWK member", pattern: /"d"\s*:\s*"/ },
  { name: "a PEM block", pattern: /-----BEGIN [A-Z0-9 ]+-----/ },
  {
    name: "an Authorization or DPoP header value",
    pattern: new RegExp(String.raw`"(?:authorization|dpop)"\s*:\s*"${NOT_REDACTED}`, "i"),
  },
  {
    name: "a credential with its scheme",
    pattern: /\b(?:Bearer|DPoP)\s+[A-Za-z0-9._~+/-]{20,}/,
  },
  {
    name: "a passphrase or seed value",
    pattern: new RegExp(
      String.raw`"(?:passphrase|seed|privateKey|secretKey)"\s*:\s*"${NOT_REDACTED}`,
      "i",
    ),
  },
  { name: "a passphrase in the environment", pattern: /ANTS_PASSPHRASE=\S/ },
];

/** One secret-looking match: where, and which pattern. */
export interface SecretFinding {
  readonly line: number;
  readonly pattern: string;
}

/** Every line of `text` that matches a secret pattern, with its 1-based line number. */
export function findSecretMaterial(text: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    for (const { name, pattern } of SECRET_PATTERNS) {
      if (pattern.test(line)) findings.push({ line: index + 1, pattern: name });
    }
  }
  return findings;
}

/** What a scan of a log directory read and found. */
export interface LogScan {
  readonly files: number;
  readonly bytes: number;
  readonly findings: readonly (SecretFinding & { readonly file: string })[];
}

/** Scans every file directly in `directory` for secret material. */
export function scanLogDirectory(directory: string): LogScan {
  let bytes = 0;
  const names = readdirSync(directory, { withFileTypes: true }).filter((entry) => entry.isFile());
  const findings: (SecretFinding & { file: string })[] = [];
  for (const entry of names) {
    const file = join(directory, entry.name);
    const text = readFileSync(file, "utf8");
    bytes += Buffer.byteLength(text);
    for (const finding of findSecretMaterial(text)) findings.push({ file, ...finding });
  }
  return { files: names.length, bytes, findings };
}
