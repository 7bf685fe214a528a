import { ProtocolError } from "../errors/protocol-error.ts";

/** Shortest handle, in characters after normalisation. */
export const HANDLE_MIN_LENGTH = 3;
/** Longest handle, in characters after normalisation. */
export const HANDLE_MAX_LENGTH = 32;

/**
 * Bound on the raw input, in UTF-16 code units, checked before any Unicode work. NFKC can expand
 * one code point into many (U+FDFA becomes 18 characters), so hostile input is cut off first;
 * 128 still admits 32 mathematical alphanumerics, which take two code units each.
 */
const MAX_INPUT_CODE_UNITS = 128;
const HANDLE_CHARACTER = /^[a-z0-9-]$/;

/**
 * Normalises a handle (without its leading `@`) to its one canonical spelling: Unicode NFKC,
 * then lower case, then the result must be 3 to 32 of `a-z`, `0-9` and single inner hyphens.
 * Compatibility forms that NFKC maps into that alphabet name the same handle (fullwidth
 * `ｋｅｖｉｎ` is `kevin`); everything else is refused, so look-alikes from other scripts
 * (Cyrillic `а`, Greek `ο`), zero-width and invisible characters, and mixed-script names can
 * never be registered beside the handle they imitate. Throws ERR_HANDLE_INVALID; reserved names
 * are a separate check (`validateHandle`).
 *
 * @example
 * normalizeHandle("KeVin"); // "kevin"
 * normalizeHandle("ｋｅｖｉｎ"); // "kevin"
 * normalizeHandle("kеvin"); // throws ERR_HANDLE_INVALID (Cyrillic U+0435)
 */
export function normalizeHandle(input: string): string {
  if (typeof input !== "string") {
    throw invalid(`handle: expected a string, got ${typeof input}`, "type");
  }
  if (input.length > MAX_INPUT_CODE_UNITS) {
    throw invalid(`handle: expected at most ${HANDLE_MAX_LENGTH} characters`, "length");
  }

  // toLowerCase after NFKC: case folding must see the compatibility-decomposed letters.
  const name = input.normalize("NFKC").toLowerCase();

  assertAlphabet(name);

  if (name.length < HANDLE_MIN_LENGTH || name.length > HANDLE_MAX_LENGTH) {
    throw invalid(
      `handle: expected ${HANDLE_MIN_LENGTH} to ${HANDLE_MAX_LENGTH} characters, got ${name.length}`,
      "length",
    );
  }

  if (name.startsWith("-") || name.endsWith("-") || name.includes("--")) {
    throw invalid("handle: hyphens must be single and inside the name", "hyphen");
  }

  return name;
}

/** Names the first character outside the alphabet by code point, never echoing raw input. */
function assertAlphabet(name: string): void {
  let index = 0;
  for (const character of name) {
    if (!HANDLE_CHARACTER.test(character)) {
      const codePoint = character.codePointAt(0) ?? 0;
      const label = `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
      throw new ProtocolError(
        "ERR_HANDLE_INVALID",
        `handle: character ${label} at index ${index} is not a-z, 0-9 or -`,
        { details: { reason: "character", codePoint: label, index } },
      );
    }
    index += 1;
  }
}

function invalid(message: string, reason: string): ProtocolError {
  return new ProtocolError("ERR_HANDLE_INVALID", message, { details: { reason } });
}
