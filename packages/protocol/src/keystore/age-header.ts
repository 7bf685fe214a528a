// A strict reader for the text header of an age v1 file (C2SP age spec, section "Header").
// The keystore reads the header itself, before any key derivation, so that a file asking for
// more scrypt work than the ceiling, or a file that is not a passphrase keystore at all, is
// refused without spending a single scrypt round.

import { ProtocolError } from "../errors/protocol-error.ts";

/** One recipient stanza: `-> type arg...` followed by its base64 body. */
export interface AgeStanza {
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

/** The parsed header and its length in bytes, up to and including the MAC line's LF. */
export interface AgeHeader {
  readonly stanzas: readonly AgeStanza[];
  readonly length: number;
}

const VERSION_LINE = "age-encryption.org/v1";
const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
/** age spec: stanza bodies wrap at 64 columns; the last line is shorter, possibly empty. */
const BODY_LINE_LENGTH = 64;
/** age spec: the MAC is HMAC-SHA-256, 32 bytes, 43 characters of unpadded base64. */
const MAC_LENGTH = 32;
/** No keystore header comes near this; it bounds the work done on hostile input. */
const MAX_LINE_LENGTH = 1024;
const MAX_STANZAS = 16;
/** age spec: stanza arguments are one or more printable ASCII characters (VCHAR). */
const ARGUMENT = /^[\x21-\x7e]+$/;
const BASE64_STANDARD = /^[A-Za-z0-9+/]*$/;

/**
 * Parses the header of a binary (not armored) age v1 file. Throws ERR_KEYSTORE_TRUNCATED when the
 * input ends inside the header, ERR_KEYSTORE_NOT_ANTS when it is not an age v1 file, and
 * ERR_KEYSTORE_TAMPERED when it starts like one but breaks the header grammar.
 *
 * @example
 * const { stanzas, length } = parseAgeHeader(file);
 * stanzas[0]?.args; // ["scrypt", "<salt>", "18"]
 */
export function parseAgeHeader(file: Uint8Array): AgeHeader {
  const reader = new LineReader(file);
  checkVersionLine(file, reader.next());

  const stanzas: AgeStanza[] = [];
  for (;;) {
    const line = reader.next();
    if (line.startsWith("--- ")) {
      decodeBase64Standard(line.slice(4), MAC_LENGTH, "header mac");
      return { stanzas, length: reader.offset };
    }
    if (!line.startsWith("-> ")) tampered("header: expected a stanza or the mac line");
    if (stanzas.length === MAX_STANZAS) tampered("header: too many stanzas");
    stanzas.push({ args: parseArguments(line), body: readBody(reader) });
  }
}

function checkVersionLine(file: Uint8Array, line: string | undefined): void {
  if (line === VERSION_LINE) return;
  const start = Buffer.from(file.subarray(0, ARMOR_BEGIN.length)).toString("latin1");
  if (start === ARMOR_BEGIN) {
    throw new ProtocolError("ERR_KEYSTORE_NOT_ANTS", "file: armored age files are not keystores");
  }
  throw new ProtocolError("ERR_KEYSTORE_NOT_ANTS", "file: expected an age v1 file");
}

function parseArguments(line: string): string[] {
  const args = line.slice(3).split(" ");
  for (const arg of args) {
    if (!ARGUMENT.test(arg)) tampered("header: malformed stanza arguments");
  }
  return args;
}

function readBody(reader: LineReader): Uint8Array {
  const parts: Uint8Array[] = [];
  for (;;) {
    const line = reader.next();
    if (line.length > BODY_LINE_LENGTH) tampered("header: stanza body line too long");
    parts.push(decodeBase64Standard(line, undefined, "stanza body"));
    if (line.length < BODY_LINE_LENGTH) return new Uint8Array(Buffer.concat(parts));
  }
}

/**
 * Strict unpadded standard base64 (RFC 4648 section 4, as age uses it): re-encoding must give
 * back the exact text, so stray bits and padding are refused.
 */
function decodeBase64Standard(text: string, length: number | undefined, field: string) {
  const bytes = Buffer.from(text, "base64");
  const canonical = BASE64_STANDARD.test(text) && bytes.toString("base64").replace(/=+$/, "");
  if (canonical !== text || (length !== undefined && bytes.length !== length)) {
    tampered(`header: malformed ${field}`);
  }
  return new Uint8Array(bytes);
}

function tampered(message: string): never {
  throw new ProtocolError("ERR_KEYSTORE_TAMPERED", message);
}

/** Reads LF-terminated ASCII lines; running out of input mid-header means truncation. */
class LineReader {
  offset = 0;
  readonly #file: Uint8Array;

  constructor(file: Uint8Array) {
    this.#file = file;
  }

  next(): string {
    const end = this.#file.indexOf(0x0a, this.offset);
    const available = (end === -1 ? this.#file.length : end) - this.offset;
    if (available > MAX_LINE_LENGTH) {
      if (this.offset === 0) {
        throw new ProtocolError("ERR_KEYSTORE_NOT_ANTS", "file: expected an age v1 file");
      }
      tampered("header: line too long");
    }
    const text = Buffer.from(this.#file.subarray(this.offset, this.offset + available));
    if (end === -1) this.#truncatedOrForeign(text.toString("latin1"));
    this.offset = end + 1;
    return text.toString("latin1");
  }

  #truncatedOrForeign(partial: string): never {
    // An empty file, or one cut inside the version line, is a truncated keystore; anything
    // else without a first line break is not an age file at all.
    if (this.offset === 0 && !VERSION_LINE.startsWith(partial)) {
      throw new ProtocolError("ERR_KEYSTORE_NOT_ANTS", "file: expected an age v1 file");
    }
    throw new ProtocolError("ERR_KEYSTORE_TRUNCATED", "file: ends inside the age header");
  }
}
