import { normalizeHandle, publicKeyFromJwk, verifyHandleBinding } from "@ants/protocol";
import { ClientError, withClientErrors } from "../errors/client-error.ts";
import type { RelayClient } from "../relay/relay-client.ts";

/** A handle resolved on one relay, with the relay's signed binding. */
export interface ResolvedHandle {
  handle: string;
  /** The agent ID that holds it. */
  agent: string;
  since: number;
  relay: string;
  origin: string;
  /** `ants-handle-binding+jwt`, verified against the relay's keys before it is returned. */
  binding: string;
}

/**
 * Resolves a handle on a relay and verifies the answer: the binding is signed by one of the
 * relay's published keys, names the relay's DID and origin, the handle asked for, and the same
 * agent as the plain answer. A handle is relay-scoped: the answer says who holds the name *on
 * this relay*, and every later check is made on the agent ID. Throws ClientError with the
 * relay's code (ERR_HANDLE_NOT_FOUND, ERR_HANDLE_INVALID) or ERR_HANDLE_BINDING_INVALID.
 *
 * @example
 * const { agent } = await resolveHandleAt(new RelayClient({ url }), "@kevin");
 */
export async function resolveHandleAt(
  relay: RelayClient,
  handle: string,
  options: { now?: number } = {},
): Promise<ResolvedHandle> {
  const name = await withClientErrors(() => normalizeHandle(handle.replace(/^@/, "")));
  const answer = await relay.request<ResolvedHandle>("GET", `/v1/handles/${name}`);
  return verifiedResolution(relay, answer, name, options.now ?? Math.floor(Date.now() / 1000));
}

/**
 * Checks a relay's answer that carries a handle binding (a resolve, a claim, an accepted
 * transfer) against the relay's published identity and keys.
 *
 * @example
 * const resolved = await verifiedResolution(relay, answer, "kevin", now);
 */
export async function verifiedResolution(
  relay: RelayClient,
  answer: ResolvedHandle,
  handle: string,
  now: number,
): Promise<ResolvedHandle> {
  const info = await relay.discover();
  const key = info.keys.find((candidate) => candidate.kid === bindingKid(answer.binding));
  if (key === undefined) throw invalid("binding: not signed by a key the relay publishes");
  const claims = await withClientErrors(() =>
    verifyHandleBinding(answer.binding, {
      relayKey: publicKeyFromJwk(key),
      handle,
      origin: info.origin,
      now,
    }),
  );
  if (claims.iss !== info.did) throw invalid("binding: not issued by the relay's DID");
  if (claims.sub !== answer.agent || claims.handle !== answer.handle) {
    throw invalid("binding: does not match the answer");
  }
  return answer;
}

function bindingKid(binding: unknown): string | undefined {
  if (typeof binding !== "string") return undefined;
  try {
    const header = JSON.parse(Buffer.from(binding.split(".")[0] ?? "", "base64url").toString());
    return typeof header?.kid === "string" ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

function invalid(message: string): ClientError {
  return new ClientError("ERR_HANDLE_BINDING_INVALID", message);
}
