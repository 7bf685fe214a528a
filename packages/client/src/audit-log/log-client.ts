import {
  entryBundlePath,
  PROTOCOL_ERROR_CODES,
  TILE_WIDTH,
  type TileId,
  tilePath,
} from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";
import type { ClientErrorCode } from "../errors/client-error-codes.ts";

/** A proof as the relay serves it: hashes in standard base64, decoded here. */
export interface LogProof {
  readonly proof: Uint8Array[];
}

/** An entry with its inclusion proof and the signed checkpoint it verifies against. */
export interface LogEntryBundle {
  readonly index: number;
  readonly entry: Uint8Array;
  readonly size: number;
  readonly proof: Uint8Array[];
  readonly checkpoint?: string;
}

/** A search page: the checkpoint every proof is for, the results, the next cursor. */
export interface LogSearchPage {
  readonly checkpoint: string;
  readonly size: number;
  readonly results: LogEntryBundle[];
  readonly next: number | null;
}

/** Filters of {@link LogClient.search}. */
export interface LogSearchFilters {
  agent?: string;
  principal?: string;
  cmd?: string;
  since?: number;
  until?: number;
  after?: number;
  limit?: number;
}

/** What the relay publishes about its log in `/.well-known/ants-relay`. */
export interface LogDiscovery {
  readonly did: string;
  readonly logOrigin: string;
  readonly logVerifierKey: string;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(PROTOCOL_ERROR_CODES);

/**
 * Reads a relay's audit log over HTTP (docs/log-api.md): discovery, checkpoint, C2SP tiles and
 * entry bundles, entries, proofs, bundles and search. It verifies nothing itself: `monitorLog`
 * and the protocol's verifiers do. A refusal throws a ClientError with the relay's code; a relay
 * out of reach is ERR_RELAY_UNREACHABLE, an answer of the wrong shape ERR_RELAY_RESPONSE_INVALID.
 *
 * @example
 * const log = new LogClient({ url: "http://127.0.0.1:7777" });
 * const note = await log.checkpoint();
 */
export class LogClient {
  readonly url: string;
  readonly #timeoutMs: number;

  constructor(options: { url: string; timeoutMs?: number }) {
    this.url = options.url.replace(/\/+$/, "");
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async discover(): Promise<LogDiscovery> {
    const info = await this.#json<Partial<LogDiscovery>>("/.well-known/ants-relay");
    if (typeof info.logOrigin !== "string" || typeof info.logVerifierKey !== "string") {
      throw invalid("discovery: no log origin or verifier key");
    }
    return info as LogDiscovery;
  }

  /** The latest signed checkpoint, as text. */
  async checkpoint(): Promise<string> {
    return new TextDecoder().decode(await this.#bytes("/v1/log/checkpoint"));
  }

  /** The exact bytes of entry `index`. */
  entry(index: number): Promise<Uint8Array> {
    return this.#bytes(`/v1/log/entries/${index}`);
  }

  /** A hash tile's body. */
  tile(tile: TileId): Promise<Uint8Array> {
    return this.#bytes(`/v1/log/${tilePath(tile)}`);
  }

  /** The entry bundle of level-0 tile `index`, `width` entries wide. */
  entryBundle(index: number, width: number = TILE_WIDTH): Promise<Uint8Array> {
    return this.#bytes(`/v1/log/${entryBundlePath({ index, width })}`);
  }

  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    const answer = await this.#json<{ proof: unknown }>(
      `/v1/log/proof/inclusion?index=${index}&size=${size}`,
    );
    return decodeProof(answer.proof);
  }

  async consistencyProof(from: number, to: number): Promise<Uint8Array[]> {
    const answer = await this.#json<{ proof: unknown }>(
      `/v1/log/proof/consistency?from=${from}&to=${to}`,
    );
    return decodeProof(answer.proof);
  }

  async bundle(index: number): Promise<LogEntryBundle> {
    return decodeBundle(await this.#json(`/v1/log/entries/${index}/bundle`));
  }

  async search(filters: LogSearchFilters): Promise<LogSearchPage> {
    const query = new URLSearchParams(
      Object.entries(filters)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, String(value)]),
    );
    const page = await this.#json<{
      checkpoint: string;
      size: number;
      results: unknown[];
      next: number | null;
    }>(`/v1/log/search?${query}`);
    return { ...page, results: page.results.map(decodeBundle) };
  }

  async #json<T>(path: string): Promise<T> {
    const bytes = await this.#bytes(path);
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as T;
    } catch (cause) {
      throw invalid(`${path}: not JSON`, cause);
    }
  }

  async #bytes(path: string): Promise<Uint8Array> {
    let response: Response;
    try {
      response = await fetch(this.url + path, { signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (cause) {
      throw new ClientError("ERR_RELAY_UNREACHABLE", `relay: cannot reach ${this.url}`, { cause });
    }
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.ok) return body;
    throw refusal(response.status, body);
  }
}

function refusal(status: number, body: Uint8Array): ClientError {
  let problem: { code?: unknown; detail?: unknown } | null = null;
  try {
    problem = JSON.parse(new TextDecoder().decode(body));
  } catch {
    problem = null;
  }
  const code =
    typeof problem?.code === "string" && KNOWN_CODES.has(problem.code) ? problem.code : undefined;
  if (code === undefined) return invalid(`relay: answered ${status} without a known code`);
  const detail = typeof problem?.detail === "string" ? problem.detail : code;
  return new ClientError(code as ClientErrorCode, detail, { details: { status } });
}

function decodeProof(proof: unknown): Uint8Array[] {
  if (!Array.isArray(proof) || !proof.every((hash) => typeof hash === "string")) {
    throw invalid("proof: expected an array of base64 hashes");
  }
  return proof.map((hash: string) => new Uint8Array(Buffer.from(hash, "base64")));
}

function decodeBundle(value: unknown): LogEntryBundle {
  const bundle = value as {
    index?: unknown;
    entry?: unknown;
    size?: unknown;
    proof?: unknown;
    checkpoint?: unknown;
  };
  if (
    typeof bundle?.index !== "number" ||
    typeof bundle.entry !== "string" ||
    typeof bundle.size !== "number"
  ) {
    throw invalid("bundle: expected index, entry, size and proof");
  }
  return {
    index: bundle.index,
    entry: new Uint8Array(Buffer.from(bundle.entry, "base64")),
    size: bundle.size,
    proof: decodeProof(bundle.proof),
    ...(typeof bundle.checkpoint === "string" ? { checkpoint: bundle.checkpoint } : {}),
  };
}

function invalid(message: string, cause?: unknown): ClientError {
  return new ClientError("ERR_RELAY_RESPONSE_INVALID", message, { cause });
}
