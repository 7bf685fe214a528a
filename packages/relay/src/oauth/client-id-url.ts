import { RelayError } from "../errors/relay-error.ts";

/** Longest client_id URL accepted, in characters. */
const MAX_CLIENT_ID_URL_LENGTH = 2048;

/**
 * Checks a `client_id` that is a URL against the client ID metadata document draft
 * (draft-ietf-oauth-client-id-metadata-document section 3): https, a path, no dot segments, no
 * fragment, no user or password. Throws ERR_CLIENT_METADATA_INVALID naming the rule broken.
 *
 * @example
 * const url = parseClientIdUrl("https://app.example.com/client.json");
 */
export function parseClientIdUrl(text: string): URL {
  if (text.length > MAX_CLIENT_ID_URL_LENGTH) invalid(`longer than ${MAX_CLIENT_ID_URL_LENGTH}`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    invalid("not a URL");
  }
  if (url.protocol !== "https:") invalid("expected https");
  if (url.username !== "" || url.password !== "") invalid("user or password not allowed");
  if (text.includes("#")) invalid("fragment not allowed");
  // The URL parser removes dot segments; the draft forbids them in what the client sent.
  const path = text.slice(url.origin.length).split("?")[0]!;
  if (path === "" || path === "/") invalid("a path is required");
  if (path.split("/").some((segment) => segment === "." || segment === "..")) {
    invalid("dot segments not allowed");
  }
  // The client_id must be the URL exactly as the relay will fetch and compare it.
  if (url.href !== text) invalid("not in normal form");
  return url;
}

function invalid(message: string): never {
  throw new RelayError("ERR_CLIENT_METADATA_INVALID", `client_id: ${message}`);
}
