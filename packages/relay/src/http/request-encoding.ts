import type { FastifyInstance, FastifyRequest } from "fastify";
import { RelayError } from "../errors/relay-error.ts";

/**
 * Refuses, before any body is read, a body the relay would otherwise misread: a
 * `content-encoding` other than `identity` (RFC 9110 section 8.4: the relay decodes none, so a
 * gzip body must not be parsed as plain text) answers ERR_CONTENT_ENCODING_UNSUPPORTED, and a
 * `charset` other than UTF-8 (RFC 8259 section 8.1: JSON exchanged between systems is UTF-8)
 * answers ERR_CONTENT_TYPE_UNSUPPORTED. Both are 415.
 *
 * @example
 * registerRequestEncoding(app);
 */
export function registerRequestEncoding(app: FastifyInstance): void {
  app.addHook("onRequest", async (request: FastifyRequest) => {
    assertIdentityEncoding(request.headers["content-encoding"]);
    assertUtf8Charset(request.headers["content-type"]);
  });
}

/**
 * Throws ERR_CONTENT_ENCODING_UNSUPPORTED unless every listed coding is `identity`.
 *
 * @example
 * assertIdentityEncoding("gzip"); // throws ERR_CONTENT_ENCODING_UNSUPPORTED
 */
export function assertIdentityEncoding(header: string | undefined): void {
  if (header === undefined) return;
  const codings = header.split(",").map((coding) => coding.trim().toLowerCase());
  if (codings.every((coding) => coding === "identity" || coding === "")) return;
  throw new RelayError(
    "ERR_CONTENT_ENCODING_UNSUPPORTED",
    "content-encoding: expected identity, the relay decodes no content coding",
  );
}

/**
 * Throws ERR_CONTENT_TYPE_UNSUPPORTED when the media type names a charset other than UTF-8.
 *
 * @example
 * assertUtf8Charset("application/json; charset=latin1"); // throws
 */
export function assertUtf8Charset(header: string | undefined): void {
  if (header === undefined) return;
  for (const parameter of header.split(";").slice(1)) {
    const [name = "", value = ""] = parameter.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    if (charset === "utf-8" || charset === "utf8") continue;
    throw new RelayError("ERR_CONTENT_TYPE_UNSUPPORTED", "content-type: charset must be utf-8");
  }
}
