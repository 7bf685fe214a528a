import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import {
  isProtocolError,
  type KeyEventLog,
  type KeyEventRecord,
  parseStrictJson,
  verifyKeyEventLog,
} from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";

/** The name of the local key event log file inside an agent home. */
export const KEY_EVENT_LOG_FILE = "key-events.json";
/** Largest key event log file read: 1000 events of at most 16 KiB each and their approvals. */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * A key event log as a JSON document: the agent's ID and each event with its guardian approvals
 * and the time it was received (by the relay; for a log not yet registered, by this host). The
 * same shape the relay serves for `GET /v1/agents/{id}/events`.
 */
export interface KeyEventLogDocument {
  readonly id: string;
  readonly events: readonly (KeyEventRecord & { readonly receivedAt: number })[];
}

/**
 * Splits a document into the inputs of `verifyKeyEventLog` and verifies it, checking it is the
 * log of `id`. Throws ClientError with ERR_KEL_* codes (docs/spec/key-events.md 4).
 *
 * @example
 * const log = verifyKeyEventLogDocument(document); // log.currentKey.kid
 */
export function verifyKeyEventLogDocument(document: KeyEventLogDocument): KeyEventLog {
  const records = document.events.map(({ receivedAt: _, ...record }) => record);
  const receivedAt = document.events.map((entry) => entry.receivedAt);
  let log: KeyEventLog;
  try {
    log = verifyKeyEventLog(records, { receivedAt });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw new ClientError(error.code, error.message, { cause: error, details: error.details });
  }
  if (log.agent !== document.id) {
    throw new ClientError("ERR_KEL_MALFORMED", "id: the log opens for another agent");
  }
  return log;
}

/**
 * Reads a key event log file strictly (I-JSON, docs/spec/tokens.md 1.4) and checks its shape;
 * does not verify the events (see {@link verifyKeyEventLogDocument}). Throws ERR_IO,
 * ERR_KEL_MALFORMED.
 *
 * @example
 * const document = await readKeyEventLogFile("/srv/agent/key-events.json");
 */
export async function readKeyEventLogFile(path: string): Promise<KeyEventLogDocument> {
  return checkDocument(parseDocument(await readBoundedText(path, MAX_FILE_BYTES)));
}

async function readBoundedText(path: string, maxBytes: number): Promise<string> {
  try {
    const handle = await open(path, "r");
    try {
      if ((await handle.stat()).size > maxBytes) throw new RangeError("too large");
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (cause) {
    if (cause instanceof RangeError) throw malformed(`${path}: larger than ${maxBytes} bytes`);
    const reason = (cause as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ClientError("ERR_IO", `${path}: ${reason}`, { cause });
  }
}

function parseDocument(text: string): unknown {
  try {
    return parseStrictJson(text, { field: "key event log" });
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw malformed(error.message);
  }
}

function checkDocument(value: unknown): KeyEventLogDocument {
  const document = value as { id?: unknown; events?: unknown } | null;
  if (document === null || typeof document !== "object" || typeof document.id !== "string") {
    throw malformed("key event log: expected {id, events}");
  }
  if (!Array.isArray(document.events)) throw malformed("events: expected an array");
  for (const [index, entry] of document.events.entries()) {
    const record = entry as { event?: unknown; receivedAt?: unknown } | null;
    if (record === null || typeof record !== "object" || typeof record.event !== "string") {
      throw malformed(`events[${index}]: expected {event, approvals?, receivedAt}`);
    }
    if (!Number.isSafeInteger(record.receivedAt)) {
      throw malformed(`events[${index}].receivedAt: expected an integer time`);
    }
  }
  return document as unknown as KeyEventLogDocument;
}

function malformed(message: string): ClientError {
  return new ClientError("ERR_KEL_MALFORMED", message);
}

/**
 * Writes a key event log file atomically (a temporary file renamed into place). A log holds no
 * secret, only signed public statements.
 *
 * @example
 * await writeKeyEventLogFile(path, { id: did, events: [{ event: inception, receivedAt: now }] });
 */
export async function writeKeyEventLogFile(path: string, document: KeyEventLogDocument) {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temporary, "wx", 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(document, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (cause) {
    await unlink(temporary).catch(() => undefined);
    const reason = (cause as NodeJS.ErrnoException).code ?? "failed";
    throw new ClientError("ERR_IO", `key event log: write ${path}: ${reason}`, { cause });
  }
}

/**
 * Reads a file holding one compact token (an owner certificate, a rotation, an approval) of at
 * most 64 KiB, trimming the trailing newline. Throws ERR_IO, ERR_KEL_MALFORMED.
 *
 * @example
 * const certificate = await readTokenFile("owner-cert.jws");
 */
export async function readTokenFile(path: string): Promise<string> {
  return (await readBoundedText(path, 65_536)).trim();
}
