/** One stored event of an agent's key event log (docs/spec/key-events.md 8). */
export interface StoredKeyEvent {
  /** The agent's ID. */
  agent: string;
  /** The event's sequence number `s`: 0 for the inception. */
  seq: number;
  /** The event's compact JWS, exactly as received. */
  event: string;
  /** A guardian rotation's approvals, as received; null otherwise. */
  approvals: string[] | null;
  /** The relay's clock when it received the event, Unix seconds. */
  receivedAt: number;
}

/** Key event logs by agent, append-only. */
export interface KeyEventRepository {
  /**
   * Appends one event and makes `currentKey` (32 bytes, unpadded base64url) the agent's current
   * key in the same transaction, so the login check and the log never disagree. Resolves false
   * when the agent's log already holds an event with that sequence number.
   */
  append(entry: StoredKeyEvent, currentKey: string): Promise<boolean>;
  /** An agent's events in sequence order; empty when it registered without an inception. */
  list(agent: string): Promise<StoredKeyEvent[]>;
  /** Agents whose log holds a rotation, for loading their key history at start. */
  listRotated(): Promise<string[]>;
}
