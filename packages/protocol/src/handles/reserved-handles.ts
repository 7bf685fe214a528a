import { ProtocolError } from "../errors/protocol-error.ts";
import { normalizeHandle } from "./normalize-handle.ts";

/**
 * Names a relay refuses to hand out by default: roles people trust on sight (admin, support,
 * security), mail and web conventions (postmaster, abuse, www), the product and the relay
 * themselves, and words that read as everyone or no one. A relay replaces the list through
 * `reservedHandleSet`.
 */
export const DEFAULT_RESERVED_HANDLES: ReadonlySet<string> = new Set([
  ...["admin", "administrator", "root", "sysadmin", "system", "operator", "owner", "staff"],
  ...["moderator", "mod", "official", "verified", "verify", "security", "support", "help"],
  ...["helpdesk", "abuse", "postmaster", "hostmaster", "webmaster", "noreply", "no-reply"],
  ...["info", "contact", "billing", "legal", "privacy", "www", "mail", "api", "status"],
  ...["relay", "ants", "ants-iam", "iam", "auth", "login", "logout", "signup", "register"],
  ...["account", "accounts", "settings", "handle", "handles", "agent", "agents", "did"],
  ...["well-known", "null", "undefined", "nobody", "anonymous", "everyone", "all", "here"],
  ...["self", "you", "test", "example", "localhost"],
]);

/**
 * Builds a reserved set from configured names, normalising each one, so `Admin` in a config
 * file reserves `admin`. Throws ERR_HANDLE_INVALID on an entry that is not a handle, so a typo
 * in configuration fails at start-up rather than reserving nothing.
 *
 * @example
 * const reserved = reservedHandleSet([...DEFAULT_RESERVED_HANDLES, "Acme"]);
 * reserved.has("acme"); // true
 */
export function reservedHandleSet(names: Iterable<string>): ReadonlySet<string> {
  const set = new Set<string>();
  for (const name of names) set.add(normalizeHandle(name));
  return set;
}

/**
 * Normalises a handle someone wants to claim and refuses reserved names. Throws
 * ERR_HANDLE_INVALID (see `normalizeHandle`) or ERR_HANDLE_RESERVED. Resolving a handle needs
 * only `normalizeHandle`; this check is for claims.
 *
 * @example
 * validateHandle("Kevin"); // "kevin"
 * validateHandle("ADMIN"); // throws ERR_HANDLE_RESERVED
 * validateHandle("acme", { reserved: reservedHandleSet(["acme"]) }); // throws ERR_HANDLE_RESERVED
 */
export function validateHandle(
  input: string,
  options: { reserved?: ReadonlySet<string> } = {},
): string {
  const name = normalizeHandle(input);
  const reserved = options.reserved ?? DEFAULT_RESERVED_HANDLES;
  if (reserved.has(name)) {
    throw new ProtocolError("ERR_HANDLE_RESERVED", `handle: "${name}" is reserved`);
  }
  return name;
}
