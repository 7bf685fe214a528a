import { jwkThumbprint, publicKeyFromJwk, publicKeyToJwk } from "@ants/protocol";
import { RelayError } from "../errors/relay-error.ts";
import { GRANT_TYPES } from "./token-grants.ts";

/** Most keys a client metadata document may list. */
const MAX_DOCUMENT_KEYS = 8;
/** Client authentication methods that rest on a shared secret, which a URL client cannot have. */
const SECRET_METHODS = new Set([
  "none",
  "client_secret_basic",
  "client_secret_post",
  "client_secret_jwt",
]);

/** A key a client metadata document lists. */
export interface ClientKey {
  /** The document's `kid` for it, else its RFC 7638 thumbprint. */
  kid: string;
  /** Its RFC 7638 thumbprint, which an assertion's `kid` may name too. */
  thumbprint: string;
  publicKey: Uint8Array;
}

/**
 * The path of an agent's client ID metadata document, under the relay's public URL.
 *
 * @example
 * clientDocumentPath("did:key:z6Mk..."); // "/agents/did:key:z6Mk.../client.json"
 */
export function clientDocumentPath(agent: string): string {
  return `/agents/${agent}/client.json`;
}

/**
 * The client ID metadata document the relay serves for a registered agent
 * (draft-ietf-oauth-client-id-metadata-document section 4): its URL as `client_id`, the agent's
 * current key in `jwks`, private_key_jwt signed EdDSA, the relay's grants, DPoP-bound tokens.
 *
 * @example
 * const document = agentClientDocument("https://relay.example.com", did, publicKey);
 */
export function agentClientDocument(publicUrl: string, agent: string, publicKey: Uint8Array) {
  return {
    client_id: publicUrl + clientDocumentPath(agent),
    client_name: agent,
    jwks: { keys: [{ ...publicKeyToJwk(publicKey), alg: "EdDSA", use: "sig" }] },
    token_endpoint_auth_method: "private_key_jwt",
    token_endpoint_auth_signing_alg: "EdDSA",
    grant_types: [...GRANT_TYPES],
    response_types: [],
    dpop_bound_access_tokens: true,
  };
}

/**
 * Reads a fetched client ID metadata document for the URL `clientId`: a JSON object whose
 * `client_id` is exactly that URL, no client secret, `token_endpoint_auth_method`
 * private_key_jwt, and `jwks` with 1 to 8 public Ed25519 keys (a `jwks_uri` instead is
 * ERR_NOT_SUPPORTED). Throws ERR_CLIENT_METADATA_INVALID naming the member.
 *
 * @example
 * const keys = readClientDocument(text, "https://app.example.com/client.json");
 */
export function readClientDocument(text: string, clientId: string): ClientKey[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    invalid("document: not JSON");
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    invalid("document: expected a JSON object");
  }
  const members = document as Record<string, unknown>;
  if (members.client_id !== clientId) invalid("client_id: not the URL it was fetched from");
  if (members.client_secret !== undefined || members.client_secret_expires_at !== undefined) {
    invalid("client_secret: not allowed in a client ID metadata document");
  }
  const method = members.token_endpoint_auth_method;
  if (typeof method === "string" && SECRET_METHODS.has(method)) {
    invalid(`token_endpoint_auth_method: ${method} is not allowed`);
  }
  if (method !== "private_key_jwt") invalid("token_endpoint_auth_method: expected private_key_jwt");
  return readKeys(members);
}

function readKeys(members: Record<string, unknown>): ClientKey[] {
  const { jwks, jwks_uri: jwksUri } = members;
  if (jwks === undefined && jwksUri !== undefined) {
    throw new RelayError("ERR_NOT_SUPPORTED", "jwks_uri: list the keys in jwks instead");
  }
  const keys = (jwks as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_DOCUMENT_KEYS) {
    invalid(`jwks.keys: expected 1 to ${MAX_DOCUMENT_KEYS} keys`);
  }
  return keys.map((jwk, index) => {
    const { alg, kid, kty, crv, x, d } = (jwk ?? {}) as Record<string, unknown>;
    if (alg !== undefined && alg !== "EdDSA") invalid(`jwks.keys[${index}].alg: expected EdDSA`);
    let publicKey: Uint8Array;
    try {
      // The document's own `kid` is a name, not necessarily the thumbprint the import checks.
      publicKey = publicKeyFromJwk({ kty, crv, x, d });
    } catch {
      invalid(`jwks.keys[${index}]: expected a public Ed25519 key (kty OKP, crv Ed25519)`);
    }
    const thumbprint = jwkThumbprint(publicKey);
    return { kid: typeof kid === "string" ? kid : thumbprint, thumbprint, publicKey };
  });
}

function invalid(message: string): never {
  throw new RelayError("ERR_CLIENT_METADATA_INVALID", message);
}
