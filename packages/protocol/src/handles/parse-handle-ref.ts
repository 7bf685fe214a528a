import { ProtocolError } from "../errors/protocol-error.ts";
import { normalizeHandle } from "./normalize-handle.ts";

/** A handle as people write it: the name, and the relay it lives on when given. */
export interface HandleRef {
  /** The canonical handle, without `@`. */
  name: string;
  /** Lower-case relay host with an optional port, or undefined for "the relay I talk to". */
  relay: string | undefined;
}

/** A handle ref is short; refusing long input first bounds the Unicode work. */
const MAX_REF_CODE_UNITS = 400;
/** RFC 1035 section 2.3.4: 253 characters of name, 63 per label. */
const MAX_HOST_LENGTH = 253;
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const PORT = /^[1-9][0-9]{0,4}$/;

/**
 * Parses `@name`, `name`, `@name@relay-host` or `name@relay-host`. A handle is scoped to its
 * relay, so the full form names both; the name is normalised as in `normalizeHandle` and the
 * host is lower-cased ASCII (an internationalised host is written in its punycode form), with
 * an optional port. Throws ERR_HANDLE_INVALID, or ERR_NOT_SUPPORTED for an IPv6 literal host.
 *
 * @example
 * parseHandleRef("@Kevin@Relay.Example.com"); // { name: "kevin", relay: "relay.example.com" }
 * parseHandleRef("kevin"); // { name: "kevin", relay: undefined }
 */
export function parseHandleRef(input: string): HandleRef {
  if (typeof input !== "string" || input.length > MAX_REF_CODE_UNITS) {
    throw new ProtocolError("ERR_HANDLE_INVALID", "handle: expected @name or @name@relay-host");
  }

  // NFKC first so a fullwidth at sign (U+FF20) separates like "@" does.
  const text = input.normalize("NFKC");
  const parts = (text.startsWith("@") ? text.slice(1) : text).split("@");
  if (parts.length > 2) {
    throw new ProtocolError("ERR_HANDLE_INVALID", "handle: expected at most one relay host");
  }

  const name = normalizeHandle(parts[0] ?? "");
  const relay = parts[1] === undefined ? undefined : normalizeRelayHost(parts[1]);
  return { name, relay };
}

/**
 * Writes a handle ref in its canonical full form, `@name` or `@name@relay-host`.
 *
 * @example
 * formatHandleRef({ name: "kevin", relay: "relay.example.com" }); // "@kevin@relay.example.com"
 */
export function formatHandleRef(ref: HandleRef): string {
  return ref.relay === undefined ? `@${ref.name}` : `@${ref.name}@${ref.relay}`;
}

function normalizeRelayHost(input: string): string {
  if (input.startsWith("[")) {
    throw new ProtocolError("ERR_NOT_SUPPORTED", "relay: IPv6 literal hosts are not supported");
  }
  const host = input.toLowerCase();
  const colon = host.lastIndexOf(":");
  const name = colon === -1 ? host : host.slice(0, colon);
  const port = colon === -1 ? undefined : host.slice(colon + 1);

  if (port !== undefined && (!PORT.test(port) || Number(port) > 65_535)) {
    throw new ProtocolError("ERR_HANDLE_INVALID", "relay: expected a port from 1 to 65535");
  }

  const labels = name.split(".");
  if (name.length > MAX_HOST_LENGTH || !labels.every((label) => HOST_LABEL.test(label))) {
    throw new ProtocolError(
      "ERR_HANDLE_INVALID",
      "relay: expected an ASCII host name (punycode for international names)",
    );
  }
  return host;
}
