import { isProtocolError, parseStrictJsonBytes } from "@ants/protocol";
import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors/relay-error.ts";

/**
 * Makes `application/json` the only body the relay parses (DESIGN.md section 12): every other
 * media type is refused with ERR_CONTENT_TYPE_UNSUPPORTED, and a body that is not strict JSON
 * with its code (see {@link parseJsonBody}). The size cap applies before parsing.
 *
 * @example
 * registerJsonBody(app, { maxBodyBytes: 65536 });
 */
export function registerJsonBody(app: FastifyInstance, options: { maxBodyBytes: number }): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer", bodyLimit: options.maxBodyBytes },
    (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as Buffer));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/**
 * Parses a request body under the same I-JSON rules as signed payloads (docs/spec/tokens.md
 * section 1.4), so a proxy in front of the relay and the relay never read different values
 * from one body: duplicate members (ERR_JSON_DUPLICATE_MEMBER), unsafe numbers
 * (ERR_NUMBER_UNSAFE), invalid UTF-8, lone surrogates, deep nesting and syntax errors
 * (ERR_JSON_INVALID) are refused. The parser builds plain objects with own members only, so
 * `__proto__` cannot pollute a prototype, and the route schemas refuse it as an unknown field.
 *
 * @example
 * parseJsonBody(Buffer.from('{"a":1}')); // { a: 1 }
 * parseJsonBody(Buffer.from('{"a":1,"a":2}')); // throws ERR_JSON_DUPLICATE_MEMBER
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  try {
    return parseStrictJsonBytes(bytes, { field: "body" });
  } catch (error) {
    if (isProtocolError(error)) throw error;
    throw new RelayError("ERR_JSON_INVALID", "body: invalid JSON");
  }
}
