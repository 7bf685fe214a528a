import type { RevocationEntry } from "@ants/protocol";
import type { RelayClient } from "../relay/relay-client.ts";

/** A page of the revocation log. */
export interface RevocationPage {
  entries: RevocationEntry[];
  /** The last sequence number the relay has applied. */
  head: number;
}

/** A relay-signed snapshot as served, before it is verified. */
export interface SnapshotAnswer {
  snapshot: string;
  seq: number;
  iat: number;
  exp: number;
}

/**
 * `POST /v1/revocations`: submits a signed request (and, for a token the relay may not have
 * seen, the token itself). Resolves the entry and whether it is new; throws ClientError with the
 * relay's code otherwise.
 *
 * @example
 * const { entry } = await submitRevocation(relay, { request });
 */
export async function submitRevocation(
  relay: RelayClient,
  input: { request: string; token?: string },
): Promise<{ entry: RevocationEntry }> {
  return relay.request("POST", "/v1/revocations", { body: input });
}

/**
 * `GET /v1/revocations?since=SEQ`: entries after `since`, in order, with the relay's head.
 *
 * @example
 * const { entries, head } = await listRevocations(relay, 0);
 */
export function listRevocations(relay: RelayClient, since: number, limit = 1000) {
  return relay.request<RevocationPage>("GET", `/v1/revocations?since=${since}&limit=${limit}`);
}

/**
 * `GET /v1/revocations/snapshot`: the relay-signed snapshot, unverified (see RevocationFeed).
 *
 * @example
 * const { snapshot } = await fetchSnapshot(relay);
 */
export function fetchSnapshot(relay: RelayClient): Promise<SnapshotAnswer> {
  return relay.request<SnapshotAnswer>("GET", "/v1/revocations/snapshot");
}
