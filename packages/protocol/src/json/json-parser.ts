import { ProtocolError } from "../errors/protocol-error.ts";
import type { JsonValue } from "./strict-json.ts";

// A small recursive-descent parser over char codes; JSON.parse cannot report duplicates or
// the exact digits of a number, which are the two things this profile must see.
/** The parser behind `parseStrictJson`; one instance per document. */
export class StrictJsonParser {
  #pos = 0;
  readonly #text: string;
  readonly #maxDepth: number;
  readonly #field: string;

  constructor(text: string, maxDepth: number, field: string) {
    this.#text = text;
    this.#maxDepth = maxDepth;
    this.#field = field;
  }

  parseDocument(): JsonValue {
    this.#skipSpace();
    const value = this.#parseValue(0);
    this.#skipSpace();
    if (this.#pos !== this.#text.length) this.#fail("unexpected data after the value");
    return value;
  }

  #fail(reason: string): never {
    throw new ProtocolError("ERR_JSON_INVALID", `${this.#field}: ${reason} at ${this.#pos}`);
  }

  #skipSpace(): void {
    const text = this.#text;
    let pos = this.#pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      pos++;
    }
    this.#pos = pos;
  }

  #parseValue(depth: number): JsonValue {
    const c = this.#text.charCodeAt(this.#pos);
    if (c === 0x22) return this.#parseString();
    if (c === 0x7b) return this.#parseObject(depth + 1);
    if (c === 0x5b) return this.#parseArray(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#parseNumber();
    if (this.#text.startsWith("true", this.#pos)) return this.#literal(4, true);
    if (this.#text.startsWith("false", this.#pos)) return this.#literal(5, false);
    if (this.#text.startsWith("null", this.#pos)) return this.#literal(4, null);
    return this.#fail("unexpected character");
  }

  #literal<T>(length: number, value: T): T {
    this.#pos += length;
    return value;
  }

  #parseObject(depth: number): JsonValue {
    if (depth > this.#maxDepth) this.#fail("nesting too deep");
    const result: { [key: string]: JsonValue } = {};
    this.#pos++;
    this.#skipSpace();
    if (this.#text.charCodeAt(this.#pos) === 0x7d) {
      this.#pos++;
      return result;
    }
    for (;;) {
      if (this.#text.charCodeAt(this.#pos) !== 0x22) this.#fail("expected a member name");
      const key = this.#parseString();
      if (Object.hasOwn(result, key)) {
        throw new ProtocolError("ERR_JSON_DUPLICATE_MEMBER", `${this.#field}: duplicate "${key}"`);
      }
      this.#skipSpace();
      if (this.#text.charCodeAt(this.#pos) !== 0x3a) this.#fail("expected ':'");
      this.#pos++;
      this.#skipSpace();
      const value = this.#parseValue(depth);
      // A plain assignment to "__proto__" would replace the prototype instead of adding a member.
      if (key === "__proto__") {
        Object.defineProperty(result, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else {
        result[key] = value;
      }
      this.#skipSpace();
      const next = this.#text.charCodeAt(this.#pos++);
      if (next === 0x7d) return result;
      if (next !== 0x2c) this.#fail("expected ',' or '}'");
      this.#skipSpace();
    }
  }

  #parseArray(depth: number): JsonValue {
    if (depth > this.#maxDepth) this.#fail("nesting too deep");
    const result: JsonValue[] = [];
    this.#pos++;
    this.#skipSpace();
    if (this.#text.charCodeAt(this.#pos) === 0x5d) {
      this.#pos++;
      return result;
    }
    for (;;) {
      result.push(this.#parseValue(depth));
      this.#skipSpace();
      const next = this.#text.charCodeAt(this.#pos++);
      if (next === 0x5d) return result;
      if (next !== 0x2c) this.#fail("expected ',' or ']'");
      this.#skipSpace();
    }
  }

  #parseString(): string {
    const text = this.#text;
    const start = ++this.#pos;
    const end = text.indexOf('"', start);
    if (end < 0) this.#fail("unterminated string");
    // Fast path: no escape, control character or surrogate before the closing quote, the
    // common case for claims and arguments; both searches run natively.
    const candidate = text.slice(start, end);
    if (!candidate.includes("\\") && !SPECIAL_CHARACTER.test(candidate)) {
      this.#pos = end + 1;
      return candidate;
    }
    return this.#parseEscapedString(start, start);
  }

  #failAt(pos: number, reason: string): never {
    this.#pos = pos;
    return this.#fail(reason);
  }

  // Source text comes from strict UTF-8 decoding, so a lone surrogate can only appear if a
  // caller passes a JS string directly; it is refused either way (RFC 7493 section 2.1).
  #checkSurrogate(pos: number): number {
    const c = this.#text.charCodeAt(pos);
    const next = this.#text.charCodeAt(pos + 1);
    if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) return pos + 1;
    return this.#failAt(pos, "lone surrogate");
  }

  #parseEscapedString(start: number, from: number): string {
    const text = this.#text;
    let out = text.slice(start, from);
    let pos = from;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) break;
      if (c < 0x20 || Number.isNaN(c)) this.#failAt(pos, "unescaped control character");
      if (c === 0x5c) {
        const [chunk, next] = this.#readEscape(pos);
        out += chunk;
        pos = next;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdfff) {
        const end = this.#checkSurrogate(pos);
        out += text.slice(pos, end + 1);
        pos = end + 1;
        continue;
      }
      out += text[pos];
      pos++;
    }
    this.#pos = pos + 1;
    return out;
  }

  #readEscape(pos: number): [string, number] {
    const e = this.#text[pos + 1];
    const simple = SIMPLE_ESCAPES[e ?? ""];
    if (simple !== undefined) return [simple, pos + 2];
    if (e !== "u") return this.#failAt(pos, "invalid escape");
    const unit = this.#readHex4(pos + 2);
    if (unit < 0xd800 || unit > 0xdfff) return [String.fromCharCode(unit), pos + 6];
    if (unit > 0xdbff || this.#text.slice(pos + 6, pos + 8) !== "\\u") {
      return this.#failAt(pos, "lone surrogate escape");
    }
    const low = this.#readHex4(pos + 8);
    if (low < 0xdc00 || low > 0xdfff) return this.#failAt(pos, "lone surrogate escape");
    return [String.fromCharCode(unit, low), pos + 12];
  }

  #readHex4(pos: number): number {
    const hex = this.#text.slice(pos, pos + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.#failAt(pos, "invalid \\u escape");
    return Number.parseInt(hex, 16);
  }

  #parseNumber(): number {
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.#text);
    if (match === null) return this.#fail("invalid number");
    const literal = match[0];
    this.#pos += literal.length;
    const value = Number(literal);
    // Every integer literal above 2^53 - 1 rounds to at least 2^53, so comparing the double
    // also refuses literals such as 9007199254740993 that would round to a neighbour.
    if (!(Math.abs(value) <= Number.MAX_SAFE_INTEGER)) this.#unsafe(literal);
    return value;
  }

  #unsafe(literal: string): never {
    throw new ProtocolError(
      "ERR_NUMBER_UNSAFE",
      `${this.#field}: number ${literal.slice(0, 32)} outside the safe-integer range`,
    );
  }
}

// RFC 8259 section 6: -? int frac? exp?, matched in place (sticky) at the parser's position.
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// Characters that send a string to the slow path: controls (refused) and surrogates (checked).
const SPECIAL_CHARACTER = /[\u0000-\u001f\ud800-\udfff]/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
