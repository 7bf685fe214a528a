import { PROTOCOL_ERROR_CODES } from "@ants/protocol";
import type { FastifyInstance } from "fastify";
import type { HostileRequest } from "./hostile-requests.ts";

const KNOWN_CODES: ReadonlySet<string> = new Set(PROTOCOL_ERROR_CODES);

/** Longest one request may take to answer, in ms, before it counts as a hang. */
export const HTTP_CASE_LIMIT_MS = 10_000;

/** A live session to sign cases with: fresh credentials per request, and the relay's nonce. */
export interface CaseSession {
  /** Authorization and DPoP headers for one request to `path` (no query). */
  credentials(method: string, path: string): Record<string, string>;
  /** Called with each `DPoP-Nonce` the relay answers, for the next proof. */
  nonce(value: string): void;
}

function signedBy(session: CaseSession, request: HostileRequest): HostileRequest {
  const path = request.url.split("?")[0]!;
  return {
    ...request,
    headers: { ...request.headers, ...session.credentials(request.method, path) },
  };
}

/** Status and body code of one answer. */
export interface Answer {
  status: number;
  code: unknown;
}

/**
 * Sends one hostile request and throws unless the answer is a 2xx, or a 4xx whose body holds a
 * `code` from the closed list, within HTTP_CASE_LIMIT_MS. Requests go through `inject`; a
 * stream route goes over real HTTP to `url`, and is closed once its status is known.
 *
 * @example
 * await checkHttpCase(app, url, { method: "GET", url: "/healthz", headers: {}, ... });
 */
export async function checkHttpCase(
  app: FastifyInstance,
  url: string,
  hostile: HostileRequest,
  session?: CaseSession,
): Promise<Answer> {
  const request = hostile.signed && session !== undefined ? signedBy(session, hostile) : hostile;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${request.method} ${request.url.slice(0, 80)}: no answer`)),
      HTTP_CASE_LIMIT_MS,
    );
  });
  try {
    const send = request.streams ? sendOverHttp(url, request) : inject(app, request, session);
    const answer = await Promise.race([send, hang]);
    if (
      answer.status >= 500 ||
      answer.status < 200 ||
      (answer.status >= 300 && answer.status < 400)
    ) {
      throw new Error(`${request.method} ${request.url.slice(0, 80)}: status ${answer.status}`);
    }
    if (answer.status >= 400 && !KNOWN_CODES.has(String(answer.code))) {
      throw new Error(`${request.method} ${request.url.slice(0, 80)}: code ${String(answer.code)}`);
    }
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

async function inject(
  app: FastifyInstance,
  request: HostileRequest,
  session: CaseSession | undefined,
): Promise<Answer> {
  const answer = await app.inject({
    method: request.method as "GET",
    url: request.url,
    headers: request.headers,
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
  const nonce = answer.headers["dpop-nonce"];
  if (typeof nonce === "string") session?.nonce(nonce);
  return {
    status: answer.statusCode,
    code: answer.statusCode >= 400 ? codeOf(answer.body) : undefined,
  };
}

async function sendOverHttp(url: string, request: HostileRequest): Promise<Answer> {
  const abort = new AbortController();
  // fetch refuses header values outside visible ASCII before sending; those go through inject.
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)),
  );
  const answer = await fetch(url + request.url, {
    method: request.method,
    headers,
    signal: abort.signal,
  });
  if (answer.status < 400) {
    abort.abort();
    return { status: answer.status, code: undefined };
  }
  return { status: answer.status, code: codeOf(await answer.text()) };
}

function codeOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}
