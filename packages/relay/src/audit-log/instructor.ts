import { decodeLogEntry } from "@ants/protocol";
import type { AuditLogStore } from "./audit-log-store.ts";

/**
 * The instructor of a decision (docs/spec/audit-log.md 2.3): the actor of the earlier logged
 * invocation that the new invocation's `cause` names, and only when that invocation was
 * addressed to the new actor (the resource it was authorized for is the actor's DID). Anything
 * else (no cause, a hash never logged, an invocation addressed elsewhere) records no
 * instructor, so an agent can never pin its action on someone who did not ask for it. One
 * indexed lookup, each candidate confirmed against its entry; never a scan.
 *
 * @example
 * await resolveInstructor(store, invocation.payload.cause, actor); // "did:key:z6Mk..." or null
 */
export async function resolveInstructor(
  store: AuditLogStore,
  cause: unknown,
  actor: string,
): Promise<string | null> {
  if (typeof cause !== "string") return null;
  for (const index of await store.findInvocation(cause, actor)) {
    const [bytes] = await store.readEntries(index, index + 1);
    const entry = bytes === undefined ? undefined : decodeLogEntry(bytes);
    if (entry?.type === "decision" && entry.invocation.hash === cause) return entry.actor;
  }
  return null;
}
