import { RelayError } from "../errors/relay-error.ts";

interface AjvIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  validation?: AjvIssue[];
  validationContext?: string;
}

// Fastify's own error codes for input faults, each given a stable code of ours so a client
// never sees a framework name and never a 500 for bad input.
const FASTIFY_CODES: Record<string, [RelayError["code"], string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ["ERR_BODY_TOO_LARGE", "body: larger than the relay accepts"],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [
    "ERR_CONTENT_TYPE_UNSUPPORTED",
    "content-type: expected application/json",
  ],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [
    "ERR_REQUEST_FIELD_INVALID",
    "content-length: does not match the body",
  ],
  FST_ERR_CTP_EMPTY_JSON_BODY: ["ERR_JSON_INVALID", "body: expected JSON, got nothing"],
  FST_ERR_CTP_INVALID_JSON_BODY: ["ERR_JSON_INVALID", "body: invalid JSON"],
  FST_ERR_BAD_URL: ["ERR_URL_INVALID", "url: not a valid path"],
  FST_ERR_INVALID_URL: ["ERR_URL_INVALID", "url: not a valid path"],
  FST_ERR_NOT_FOUND: ["ERR_ROUTE_NOT_FOUND", "route: no such endpoint"],
  FST_ERR_ASYNC_CONSTRAINT: ["ERR_URL_INVALID", "url: no route matches its constraints"],
};

/**
 * Maps a Fastify or ajv error to a coded relay error, or returns undefined when the error is
 * not one of theirs. Schema failures are split by ajv keyword so a client can tell an unknown
 * field (never stripped silently) from a missing or a malformed one.
 *
 * @example
 * translateFrameworkError({ code: "FST_ERR_CTP_BODY_TOO_LARGE" })?.code; // "ERR_BODY_TOO_LARGE"
 */
export function translateFrameworkError(error: unknown): RelayError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const framework = error as FrameworkError;
  if (Array.isArray(framework.validation) && framework.validation.length > 0) {
    return translateValidation(framework.validation[0]!, framework.validationContext ?? "body");
  }
  if (typeof framework.code === "string" && framework.code in FASTIFY_CODES) {
    const [code, message] = FASTIFY_CODES[framework.code]!;
    return new RelayError(code, message);
  }
  // Errors raised by Node's parser on a bad request line or headers carry a 4xx status.
  if (typeof framework.statusCode === "number" && framework.statusCode === 400) {
    return new RelayError("ERR_REQUEST_FIELD_INVALID", "request: malformed");
  }
  return undefined;
}

function translateValidation(issue: AjvIssue, context: string): RelayError {
  const where = context + issue.instancePath.replaceAll("/", ".");
  if (issue.keyword === "additionalProperties") {
    const field = String(issue.params.additionalProperty ?? "");
    return new RelayError("ERR_REQUEST_UNKNOWN_FIELD", `${where}: unknown field "${clip(field)}"`);
  }
  if (issue.keyword === "required") {
    const field = String(issue.params.missingProperty ?? "");
    return new RelayError("ERR_REQUEST_FIELD_MISSING", `${where}: missing field "${clip(field)}"`);
  }
  return new RelayError("ERR_REQUEST_FIELD_INVALID", `${where}: ${issue.message ?? "invalid"}`);
}

// A hostile field name could be long; echo only enough of it to recognise.
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}...` : text;
}
