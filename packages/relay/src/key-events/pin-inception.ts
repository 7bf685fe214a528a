import { type KeyEventLog, type RegistrationClaims, verifyKeyEventLog } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";

/**
 * Checks the inception an agent sends with its registration (docs/spec/key-events.md 8.1): a
 * valid one-event log, for the agent that signed the registration, declaring the same instance
 * count, and certified by the declared owner when the registration names one. Returns the
 * verified log, whose receipt time is `now`. Throws ERR_KEL_* codes or ERR_KEL_MALFORMED for a
 * mismatch with the registration.
 *
 * @example
 * const log = pinInception(body.inception, claims, relay.now());
 */
export function pinInception(
  inception: string,
  registration: RegistrationClaims,
  now: number,
): KeyEventLog {
  const log = verifyKeyEventLog([{ event: inception }], { receivedAt: [now] });
  if (log.agent !== registration.iss) {
    throw mismatch("iss: the inception opens the log of another agent");
  }
  if (log.instances !== registration.instances) {
    throw mismatch(
      `ins: ${log.instances}, but the registration declares ${registration.instances}`,
    );
  }
  if (registration.owner !== undefined && log.owner !== undefined) {
    if (log.owner.iss !== registration.owner) {
      throw mismatch("own: certified by another owner than the registration names");
    }
  }
  return log;
}

function mismatch(message: string): RelayError {
  return new RelayError("ERR_KEL_MALFORMED", `inception: ${message}`);
}
