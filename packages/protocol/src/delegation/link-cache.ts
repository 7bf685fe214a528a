import type { CompiledPolicy } from "../policy/compile-policy.ts";
import type { DelegationClaims } from "./delegation-claims.ts";

/** A delegation whose parsing, link rules, key and signature were verified (spec 5). */
export interface VerifiedLink {
  /** Token hash (spec 1.3). */
  readonly hash: string;
  /** The exact token, so a later lookup can skip hashing by comparing strings. */
  readonly compact: string;
  readonly claims: DelegationClaims;
  readonly policy: CompiledPolicy;
  /** Effective depth E(i) of spec 4.4 step 4.3.6. */
  readonly depth: number;
  /** Thumbprint of the key that signed it. */
  readonly kid: string;
}

/** Options for {@link LinkCache}. */
export interface LinkCacheOptions {
  /** Most links kept; the least recently used is dropped first. Default 10,000. */
  capacity?: number;
}

/**
 * A bounded LRU cache of verified delegations keyed by token hash, so a long-lived chain costs
 * one lookup per link after its first use. Expiry, revocation and policies are still checked on
 * every verification; the cache only remembers what depends on the token's bytes and its
 * signer's key, so flush it when a key rotates or a token or key is revoked.
 *
 * @example
 * const cache = new LinkCache({ capacity: 50_000 });
 * verifyChain({ delegations, invocation, now, audience, cache });
 * cache.flush(revokedTokenHash);
 */
export class LinkCache {
  // Map keeps insertion order, so re-inserting on read leaves the least recently used first.
  readonly #links = new Map<string, VerifiedLink>();
  readonly #capacity: number;

  constructor(options: LinkCacheOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError("capacity must be >= 1");
    this.#capacity = capacity;
  }

  /** Links currently cached. */
  get size(): number {
    return this.#links.size;
  }

  /** The verified link with this token hash, if cached. */
  get(hash: string): VerifiedLink | undefined {
    const link = this.#links.get(hash);
    if (link !== undefined) {
      this.#links.delete(hash);
      this.#links.set(hash, link);
    }
    return link;
  }

  /** Remembers a verified link under its token hash. */
  set(link: VerifiedLink): void {
    this.#links.delete(link.hash);
    this.#links.set(link.hash, link);
    if (this.#links.size > this.#capacity) {
      this.#links.delete(this.#links.keys().next().value as string);
    }
  }

  /**
   * Drops every link identified by `id`: a token hash, an issuer DID or a key thumbprint
   * (`kid`), and every link that descends from a dropped one. Returns how many were dropped.
   * Flushing by DID or kid scans the cache; revocations are rare next to verifications.
   */
  flush(id: string): number {
    const dropped = new Set<string>();
    if (this.#links.has(id)) dropped.add(id);
    for (const link of this.#links.values()) {
      if (link.claims.iss === id || link.kid === id) dropped.add(link.hash);
    }
    // Descendants name their parent in prf; repeat until no new link joins.
    let grew = dropped.size > 0;
    while (grew) {
      grew = false;
      for (const link of this.#links.values()) {
        if (
          !dropped.has(link.hash) &&
          link.claims.prf !== undefined &&
          dropped.has(link.claims.prf)
        ) {
          dropped.add(link.hash);
          grew = true;
        }
      }
    }
    for (const hash of dropped) this.#links.delete(hash);
    return dropped.size;
  }

  /** Drops every cached link. */
  flushAll(): void {
    this.#links.clear();
  }
}
