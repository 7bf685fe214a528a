import type { LinkCache } from "@ants/protocol";
import type { RevocationRecord } from "../store/relay-store.ts";

/**
 * Flushes the verified-link cache for the ids an applied entry names (DESIGN.md section 5): the
 * token and its descendants, every link the key signed, or every link of the issuer. Sessions
 * and handles are not in the cache. The index refuses the target on the next check whatever the
 * cache holds; flushing keeps a revoked link from being served from memory at all.
 *
 * @example
 * revocations.onApply((entry) => flushLinks(linkCache, entry));
 */
export function flushLinks(cache: LinkCache, entry: RevocationRecord): number {
  if (entry.kind === "token" || entry.kind === "key" || entry.kind === "issuer-epoch") {
    return cache.flush(entry.target);
  }
  return 0;
}
