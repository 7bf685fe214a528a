import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors/relay-error.ts";

/**
 * Makes `application/json` the only body the relay parses (DESIGN.md section 12): every other
 * media type is refused with ERR_CONTENT_TYPE_UNSUPPORTED, and a body that is not valid JSON
 * with ERR_JSON_INVALID. The size cap applies before parsing.
 *
 * @example
 * registerJsonBody(app, { maxBodyBytes: 65536 });
 */
export function registerJsonBody(app: FastifyInstance, options: { maxBodyBytes: number }): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "string", bodyLimit: options.maxBodyBytes },
    (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as string));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/**
 * Parses a request body. JSON.parse defines `__proto__` as a plain own member, so prototype
 * pollution is impossible, and the route schemas refuse it as an unknown field.
 *
 * @example
 * parseJsonBody('{"a":1}'); // { a: 1 }
 */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RelayError("ERR_JSON_INVALID", "body: invalid JSON");
  }
}
