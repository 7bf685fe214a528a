import type { Ed25519Signer, JsonValue } from "@ants/protocol";
import type { RelayClient } from "../relay/relay-client.ts";
import type { StoredSession } from "./session-keys.ts";

/** Options for {@link Agent}. */
export interface AgentOptions {
  /** The relay, as a client or its URL. */
  relay: RelayClient | string;
  /** The agent's identity key; or give `identity` to unlock it only when it is needed. */
  signer?: Ed25519Signer;
  /**
   * The agent's ID when `signer` is not its inception key: after a rotation the current key
   * signs, and the ID stays the did:key of the inception key (docs/spec/key-events.md 8.4).
   */
  id?: string;
  /** The agent's DID and a way to unlock its key, for callers that keep the key locked. */
  identity?: { did: string; unlock: () => Promise<Ed25519Signer> };
  /** Which of the agent's instances this is. Default "default". */
  instance?: string;
  /** Clock, Unix seconds. Default the system clock. */
  now?: () => number;
  /** Log in again when the session has fewer seconds left than this. Default 60. */
  refreshMarginSeconds?: number;
  /** A session to resume (for example one the CLI stored). */
  session?: StoredSession;
}

/** What {@link Agent.delegate} signs. */
export interface DelegateInput {
  /** The delegate's DID. */
  to: string;
  cmd: string;
  /** Lifetime in seconds from now; or give `exp`. */
  expiresIn?: number;
  exp?: number;
  pol?: readonly JsonValue[];
  apr?: { k: number; of: string[] };
  lvl?: number;
  dpth?: number;
  /** The chain this agent received, root first; absent for a root delegation. */
  parent?: readonly string[];
  /** Principal of a root delegation; default this agent. */
  onBehalfOf?: string;
}

/** What {@link Agent.invoke} asks the relay. */
export interface InvokeInput {
  cmd: string;
  args: { readonly [name: string]: JsonValue };
  /** The delegations, root first. */
  chain: readonly string[];
  /** The resource server the access token is for. */
  resource?: string;
  /** Hash of the invocation this one carries out. */
  cause?: string;
}
