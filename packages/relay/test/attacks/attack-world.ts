import { encodeBase64url } from "@ants/protocol";
import type { StartRelayOptions } from "../../src/app/start-relay.ts";
import { principalKey, rootDelegation } from "../helpers/scenario.ts";
import { type RelayTarget, TestAgent, type TestClock } from "../helpers/test-agent.ts";
import { startTestRelay, type TestRelay } from "../helpers/test-relay.ts";

/** A relay with a frozen clock, and a way to make registered, logged-in agents on it. */
export interface AttackWorld {
  relay: TestRelay;
  target: RelayTarget;
  clock: TestClock;
  /** A new agent, registered and logged in. */
  agent(): Promise<TestAgent>;
  close(): Promise<void>;
}

/**
 * Starts a real relay on a random port for one attack file. Each file has its own relay, so one
 * attack's replay state never hides another's refusal.
 *
 * @example
 * const world = await startAttackWorld();
 * const kevin = await world.agent();
 */
export async function startAttackWorld(options: StartRelayOptions = {}): Promise<AttackWorld> {
  const clock: TestClock = { now: 1_767_225_600 };
  const relay = await startTestRelay({ now: () => clock.now, policy: undefined, ...options });
  const target = { url: relay.url, did: relay.app.relay.identity.did, origin: relay.url };
  return {
    relay,
    target,
    clock,
    agent: async () => {
      const created = new TestAgent(target, clock);
      const registered = await created.register();
      if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
      const loggedIn = await created.login();
      if (loggedIn.status !== 201) throw new Error(`login: ${loggedIn.status}`);
      return created;
    },
    close: () => relay.close(),
  };
}

/** A principal, and a root delegation of `cmd` for a day from that principal to `to`. */
export function rootFor(world: AttackWorld, to: TestAgent, cmd = "/social") {
  const principal = principalKey();
  const root = rootDelegation(principal, to, {
    cmd,
    exp: world.clock.now + 86_400,
    now: world.clock.now,
  });
  return { principal, root };
}

/** A compact JWS with the given header and payload and an arbitrary signature. */
export function forgedJws(header: object, payload: object, signature: Uint8Array): string {
  const part = (value: object) => encodeBase64url(Buffer.from(JSON.stringify(value)));
  return `${part(header)}.${part(payload)}.${encodeBase64url(signature)}`;
}

/** Replaces one part (0 header, 1 payload, 2 signature) of a compact JWS. */
export function withPart(token: string, index: number, value: string): string {
  const parts = token.split(".");
  parts[index] = value;
  return parts.join(".");
}
