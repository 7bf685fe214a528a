import { hashArgs, verifyDpopProof } from "@ants/protocol";
import { ClientError, withClientErrors } from "../errors/client-error.ts";
import {
  type AccessTokenClaims,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from "./verify-access-token.ts";

/** Options for {@link AccessGuard}. */
export interface AccessGuardOptions extends Omit<VerifyAccessTokenOptions, "now"> {
  /** This server's public URL; proofs' `htu` is checked against it plus the path. Default `audience`. */
  publicUrl?: string;
  /** Clock, Unix seconds. Default the system clock. */
  now?: () => number;
}

/** The parts of an HTTP request the guard reads. */
export interface GuardedRequest {
  method: string;
  /** The path, with or without query. */
  url: string;
  authorization?: string | undefined;
  dpop?: string | string[] | undefined;
  /** The arguments the request carries (usually its JSON body). */
  args: unknown;
}

/** DPoP proofs are fresh within 60 s either side, so their `jti`s are kept 120 s. */
const PROOF_WINDOW_SECONDS = 120;

/**
 * Checks a request to a resource server against a relay-minted access token, all five steps of
 * docs/spec/authorize.md 3.1: the token (jose, the relay's JWKS), the DPoP proof of the actor's
 * session key, the command the route performs, the hash of the arguments, and single use of
 * the token's `jti`. Framework adapters: {@link fastifyAccess}, {@link expressAccess}.
 *
 * @example
 * const guard = new AccessGuard({ issuer: relayUrl, audience: "https://social.example" });
 * const claims = await guard.check(request, { cmd: "/social/post" });
 */
export class AccessGuard {
  readonly #options: AccessGuardOptions;
  readonly #publicUrl: string;
  readonly #now: () => number;
  readonly #usedTokens = new Map<string, number>();
  readonly #usedProofs = new Map<string, number>();

  constructor(options: AccessGuardOptions) {
    this.#options = options;
    this.#publicUrl = (options.publicUrl ?? options.audience).replace(/\/+$/, "");
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /** Runs the five checks in order; throws ClientError with the first failure's code. */
  async check(request: GuardedRequest, required: { cmd: string }): Promise<AccessTokenClaims> {
    const now = this.#now();
    this.#sweep(now);
    const token = bearerOf(request.authorization);
    const claims = await verifyAccessToken(token, { ...this.#options, now });

    const proof = typeof request.dpop === "string" ? request.dpop : undefined;
    if (proof === undefined)
      throw new ClientError("ERR_DPOP_MISSING", "dpop: expected one DPoP header");
    const path = request.url.split("?")[0]!;
    const url = this.#publicUrl + path;
    const { jti } = await withClientErrors(() =>
      verifyDpopProof(proof, {
        method: request.method,
        url,
        accessToken: token,
        expectedThumbprint: claims.cnf.jkt,
        now,
      }),
    );
    remember(
      this.#usedProofs,
      `${claims.cnf.jkt}:${jti}`,
      now + PROOF_WINDOW_SECONDS,
      "ERR_DPOP_REPLAYED",
    );

    if (claims.cmd !== required.cmd) {
      throw new ClientError(
        "ERR_ACCESS_TOKEN_CMD_MISMATCH",
        `cmd: this route performs ${required.cmd}`,
      );
    }
    const argsHash = await withClientErrors(() => hashArgs(request.args ?? {}));
    if (argsHash !== claims.args_hash) {
      throw new ClientError(
        "ERR_ACCESS_TOKEN_ARGS_MISMATCH",
        "args: not the arguments the relay allowed",
      );
    }
    remember(this.#usedTokens, claims.jti, claims.exp, "ERR_ACCESS_TOKEN_REPLAYED");
    return claims;
  }

  // Entries expire with the token or proof window, so memory follows the request rate.
  #sweep(now: number): void {
    for (const used of [this.#usedTokens, this.#usedProofs]) {
      for (const [id, expiry] of used) if (expiry < now) used.delete(id);
    }
  }
}

function bearerOf(header: string | undefined): string {
  const match = header === undefined ? null : /^DPoP ([A-Za-z0-9_.-]+)$/i.exec(header);
  if (match === null)
    throw new ClientError(
      "ERR_ACCESS_TOKEN_INVALID",
      "authorization: expected DPoP <access token>",
    );
  return match[1]!;
}

function remember(
  used: Map<string, number>,
  id: string,
  expiry: number,
  code: "ERR_DPOP_REPLAYED" | "ERR_ACCESS_TOKEN_REPLAYED",
): void {
  if (used.has(id))
    throw new ClientError(
      code,
      code === "ERR_DPOP_REPLAYED" ? "dpop: proof already used" : "access token: already used",
    );
  used.set(id, expiry);
}
