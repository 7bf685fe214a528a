import { tokenHash } from "@ants/protocol";
import type { AuditLog } from "./audit-log.ts";

/**
 * The identity and approval events the relay's own routes log (docs/spec/audit-log.md 2.5), one
 * function per event so every route records the same fields. Each resolves once the entry is
 * durable. `data` holds identifiers and hashes only: token hashes, never tokens.
 */

/**
 * An agent registered with a signed registration statement, and the hash of the inception it
 * pinned, if any, so its key history is provable from the log (docs/spec/key-events.md 8).
 *
 * @example
 * await logRegistration(audit, { agent, registration, instances: 2 });
 */
export function logRegistration(
  audit: AuditLog,
  input: {
    agent: string;
    registration: string;
    instances: number;
    time: number;
    inception?: string | undefined;
  },
) {
  const inception = input.inception === undefined ? {} : { inception: tokenHash(input.inception) };
  return audit.appendEvent({
    event: "identity",
    action: "registered",
    subject: input.agent,
    actor: input.agent,
    data: {
      registration: tokenHash(input.registration),
      instances: input.instances,
      ...inception,
    },
    time: input.time,
  });
}

/**
 * An agent logged in: a session opened for one of its instances.
 *
 * @example
 * await logSessionOpened(audit, { agent, session: sessionId, instance: "i1", keyThumbprint, time });
 */
export function logSessionOpened(
  audit: AuditLog,
  input: { agent: string; session: string; instance: string; keyThumbprint: string; time: number },
) {
  return audit.appendEvent({
    event: "identity",
    action: "session-opened",
    subject: input.agent,
    actor: input.agent,
    data: { session: input.session, instance: input.instance, keyThumbprint: input.keyThumbprint },
    time: input.time,
  });
}

/**
 * A session ended before its expiry, at the request of `actor`.
 *
 * @example
 * await logSessionEnded(audit, { agent, actor: agent, session: sessionId, time });
 */
export function logSessionEnded(
  audit: AuditLog,
  input: { agent: string; actor: string; session: string; time: number },
) {
  return audit.appendEvent({
    event: "identity",
    action: "session-ended",
    subject: input.agent,
    actor: input.actor,
    data: { session: input.session },
    time: input.time,
  });
}

/**
 * An approver approved a pending invocation (its hash names it).
 *
 * @example
 * await logApproval(audit, { approver, approval, invocation: hash, satisfied: true, time });
 */
export function logApproval(
  audit: AuditLog,
  input: {
    approver: string;
    approval: string;
    invocation: string;
    satisfied: boolean;
    time: number;
  },
) {
  return audit.appendEvent({
    event: "delegation",
    action: "approved",
    subject: input.approver,
    actor: input.approver,
    data: {
      approval: tokenHash(input.approval),
      invocation: input.invocation,
      satisfied: input.satisfied,
    },
    time: input.time,
  });
}
