import { RelayError } from "../errors/relay-error.ts";

/** Largest form body the OAuth endpoints read, in bytes: an assertion and a chain fit easily. */
export const MAX_FORM_BODY_BYTES = 64 * 1024;

/** Most parameters one form may carry; no OAuth request needs more than a dozen. */
const MAX_PARAMETERS = 32;

/** The media type of every OAuth endpoint's body (RFC 6749 section 3.2). */
export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

/**
 * Parses an `application/x-www-form-urlencoded` body into a null-prototype map of strings.
 * RFC 6749 section 3.2: a parameter sent more than once is refused, and so are malformed
 * percent-escapes and more than 32 parameters. Throws ERR_OAUTH_REQUEST_INVALID.
 *
 * @example
 * parseFormBody("grant_type=client_credentials&scope=%2Fa"); // { grant_type: "...", scope: "/a" }
 */
export function parseFormBody(text: string): Record<string, string> {
  const form: Record<string, string> = Object.create(null);
  if (text.length === 0) return form;
  const pairs = text.split("&");
  if (pairs.length > MAX_PARAMETERS) {
    throw invalid(`body: more than ${MAX_PARAMETERS} parameters`);
  }
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const name = decodePart(at < 0 ? pair : pair.slice(0, at));
    const value = decodePart(at < 0 ? "" : pair.slice(at + 1));
    if (name.length === 0) throw invalid("body: empty parameter name");
    if (name in form) throw invalid(`${name}: sent more than once`);
    form[name] = value;
  }
  return form;
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part.replaceAll("+", " "));
  } catch {
    throw invalid("body: malformed percent-encoding");
  }
}

function invalid(message: string): RelayError {
  return new RelayError("ERR_OAUTH_REQUEST_INVALID", message);
}

/**
 * Reads one required parameter. Throws ERR_OAUTH_REQUEST_INVALID when it is absent or empty.
 *
 * @example
 * const grantType = requireParameter(form, "grant_type");
 */
export function requireParameter(form: Record<string, string>, name: string): string {
  const value = form[name];
  if (value === undefined || value.length === 0) throw invalid(`${name}: required`);
  return value;
}
