import type { LookupAddress } from "node:dns";
import { lookup } from "node:dns";
import { request } from "node:https";
import { isIP } from "node:net";
import { rootCertificates } from "node:tls";
import { RelayError } from "../errors/relay-error.ts";
import { isPublicAddress } from "./public-address.ts";

/** How a client metadata document is fetched (docs/oauth.md 5.2). */
export interface ClientDocumentFetchOptions {
  /** Largest document accepted, in bytes. Default 5120 (the draft's suggestion). */
  maxBytes?: number;
  /** Longest wait for the whole answer, in ms. Default 3000. */
  timeoutMs?: number;
  /**
   * Risky, off by default: also fetch from loopback, private and link-local addresses
   * (`--allow-private-client-metadata`), for a relay whose clients live on its own network.
   */
  allowPrivateAddresses?: boolean;
  /** Extra CA certificates (PEM) trusted for these fetches, beside the system's. */
  ca?: string | readonly string[];
}

/** Default size cap: the draft suggests 5 KB is plenty for a client's metadata. */
export const DEFAULT_CLIENT_DOCUMENT_BYTES = 5120;
const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Fetches the body of an https client ID metadata document (the URL already checked by
 * parseClientIdUrl): one GET, no redirects followed, a size cap, an overall deadline, and only
 * public addresses, checked on the address the name resolves to (not the name alone, so a
 * DNS name pointing at 127.0.0.1 is refused too) and on the socket actually connected.
 * Throws ERR_CLIENT_METADATA_UNREACHABLE naming the reason, or ERR_CLIENT_METADATA_INVALID for a
 * document over the size cap.
 *
 * @example
 * const text = await fetchClientDocument(new URL("https://app.example.com/client.json"), {});
 */
export function fetchClientDocument(
  url: URL,
  options: ClientDocumentFetchOptions,
): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_CLIENT_DOCUMENT_BYTES;
  const allowPrivate = options.allowPrivateAddresses === true;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) !== 0 && !allowPrivate && !isPublicAddress(host)) {
    return Promise.reject(unreachable("a private, loopback or link-local address"));
  }
  return new Promise((resolve, reject) => {
    // Settle first: destroying the request emits errors of its own, which must not win.
    const fail = (error: RelayError) => {
      reject(error);
      req.destroy();
    };
    const req = request(url, {
      method: "GET",
      headers: { accept: "application/json" },
      lookup: guardedLookup(allowPrivate),
      // `ca` replaces Node's trusted list: keep the curated roots beside the extra certificates.
      ...(options.ca === undefined ? {} : { ca: [...rootCertificates, ...[options.ca].flat()] }),
      // No connection reuse: each fetch resolves and checks the address again.
      agent: false,
    });
    const timer = setTimeout(
      () => fail(unreachable(`no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`)),
      options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    req.on("close", () => clearTimeout(timer));
    req.on("error", (error) =>
      reject(error instanceof RelayError ? error : unreachable(describe(error))),
    );
    req.on("response", (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) return fail(unreachable("redirects are not followed"));
      if (status !== 200) return fail(unreachable(`answered ${status}`));
      const declared = Number(response.headers["content-length"]);
      if (declared > maxBytes) return fail(tooLarge(maxBytes));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return fail(tooLarge(maxBytes));
        chunks.push(chunk);
      });
      response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      response.on("error", (error) => reject(unreachable(describe(error))));
    });
    req.end();
  });
}

// Resolves as dns.lookup does, then refuses the connection when any address is not public,
// so the address checked is the address connected to (no second resolution to rebind).
function guardedLookup(allowPrivate: boolean) {
  return (
    hostname: string,
    options: { all?: boolean },
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    lookup(hostname, { all: true }, (error, addresses) => {
      if (error !== null) return callback(unreachable(`cannot resolve ${hostname}`), []);
      if (!allowPrivate && addresses.some((a) => !isPublicAddress(a.address))) {
        return callback(unreachable("a private, loopback or link-local address"), []);
      }
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

function describe(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `connection failed (${code})` : "connection failed";
}

function tooLarge(maxBytes: number): RelayError {
  return new RelayError("ERR_CLIENT_METADATA_INVALID", `document: larger than ${maxBytes} bytes`);
}

function unreachable(reason: string): RelayError {
  return new RelayError("ERR_CLIENT_METADATA_UNREACHABLE", `client_id: ${reason}`);
}
