import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { RelayError } from "../errors/relay-error.ts";
import { PROBLEM_CONTENT_TYPE } from "./error-handler.ts";
import { toCodedError, toProblemDetails } from "./problem-details.ts";

// Faults Fastify answers before any route or error handler runs: without these two hooks a
// client sees the framework's own JSON, with no `code` from the error table.
const ROUTER_CODES: Record<string, RelayError> = {
  FST_ERR_BAD_URL: new RelayError("ERR_URL_INVALID", "url: not a valid path"),
  FST_ERR_MAX_PARAM_LENGTH: new RelayError("ERR_URL_INVALID", "url: a path segment is too long"),
};

/**
 * Fastify's `frameworkErrors` option: a URL the router cannot decode, or a path segment over
 * its length cap, is answered as RFC 9457 problem details like every other refusal.
 *
 * @example
 * Fastify({ frameworkErrors: answerFrameworkError });
 */
export function answerFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const coded = ROUTER_CODES[error.code] ?? toCodedError(error);
  const problem = toProblemDetails(coded);
  reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/**
 * Fastify's `clientErrorHandler` option, for requests Node's HTTP parser refuses (oversized
 * headers, a malformed request line, a client too slow to send its request): writes problem
 * details on the raw socket, then closes it, as Node's own handler does.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError });
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset socket has no one to answer (Node's documentation of the clientError event).
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const problem = toProblemDetails(clientErrorCode(error.code));
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function clientErrorCode(code: string | undefined): RelayError {
  if (code === "HPE_HEADER_OVERFLOW") {
    return new RelayError("ERR_HEADERS_TOO_LARGE", "headers: larger than the relay accepts");
  }
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return new RelayError("ERR_REQUEST_TIMEOUT", "request: not received in time");
  }
  return new RelayError("ERR_REQUEST_FIELD_INVALID", "request: malformed");
}
