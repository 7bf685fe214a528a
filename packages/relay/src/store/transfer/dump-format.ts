import { RelayError } from "../../errors/relay-error.ts";

/** The `format` member of a dump's first line. */
export const DUMP_FORMAT = "ants-relay-dump";

/** The version of the dump format this relay writes and reads. */
export const DUMP_VERSION = 1;

/**
 * One line of a dump (JSON Lines, docs/operations.md "Backup and restore"): a header, then for
 * each table its columns, its rows and a count, then a last line that says the dump is whole.
 */
export type DumpLine =
  | { format: string; version: number; schemaVersion: number; createdAt: number }
  | { table: string; columns: string[]; types: string[] }
  | { row: unknown[] }
  | { end: string; rows: number }
  | { done: true; tables: number };

/**
 * Encodes one stored value for a dump: bytea as base64, everything else (text, integers, floats,
 * booleans, null) as its JSON value.
 */
export function encodeValue(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString("base64") : value;
}

/**
 * Decodes one dumped value for a column of SQL type `type`, refusing a value of the wrong kind
 * (ERR_BACKUP_INVALID): a dump is input, and a refused value is better than a wrong row.
 */
export function decodeValue(value: unknown, type: string, where: string): unknown {
  if (value === null) return null;
  switch (type) {
    case "bytea":
      if (typeof value === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
        return Buffer.from(value, "base64");
      }
      break;
    case "bigint":
    case "integer":
      if (Number.isSafeInteger(value)) return value;
      break;
    case "double precision":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      break;
    case "boolean":
      if (typeof value === "boolean") return value;
      break;
    case "text":
      if (typeof value === "string") return value;
      break;
    default:
      throw new RelayError("ERR_NOT_SUPPORTED", `restore: column type ${type} (${where})`);
  }
  throw new RelayError("ERR_BACKUP_INVALID", `backup: expected a ${type} value in ${where}`);
}

/** Parses one dump line, refusing anything but a JSON object (ERR_BACKUP_INVALID). */
export function parseDumpLine(text: string, lineNumber: number): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new RelayError("ERR_BACKUP_INVALID", `backup: line ${lineNumber} is not JSON`, { cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new RelayError("ERR_BACKUP_INVALID", `backup: line ${lineNumber} is not an object`);
  }
  return parsed as Record<string, unknown>;
}
