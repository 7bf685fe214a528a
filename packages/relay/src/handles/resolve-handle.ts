import { normalizeHandle, signHandleBinding } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import type { RelayIdentity } from "../identity/relay-identity.ts";
import type { HandleRegistry } from "./handle-registry.ts";

/** The answer to `GET /v1/handles/{name}`. */
export interface ResolvedHandle {
  handle: string;
  agent: string;
  since: number;
  /** The relay's DID and public origin: `@handle@host` is this binding. */
  relay: string;
  origin: string;
  /** The same facts signed by the relay (`ants-handle-binding+jwt`), for clients to keep. */
  binding: string;
}

/**
 * Resolves a handle to the agent that holds it now, with a binding signed by the relay's key.
 * A name in any spelling `normalizeHandle` accepts resolves; a name nobody holds (free,
 * quarantined, lapsed, reserved) is ERR_HANDLE_NOT_FOUND.
 *
 * @example
 * const { agent, binding } = await resolveHandle(registry, identity, origin, "Kevin");
 */
export async function resolveHandle(
  registry: HandleRegistry,
  identity: RelayIdentity,
  origin: string,
  input: string,
): Promise<ResolvedHandle> {
  const handle = normalizeHandle(input);
  const now = registry.deps.now();
  const status = await registry.status(handle, now);
  if (status.kind !== "held") {
    throw new RelayError("ERR_HANDLE_NOT_FOUND", `handle: "${handle}" is not held by anyone`);
  }
  const { agent, since } = status.record;
  const binding = signHandleBinding(
    { sub: agent, handle, origin, since, iat: now },
    identity.signer,
  );
  return { handle, agent, since, relay: identity.did, origin, binding };
}
