import { type Ed25519Signer, signDpopProof } from "@ants/protocol";
import { ClientError } from "../errors/client-error.ts";

/**
 * Calls a resource server the way docs/spec/authorize.md 3.1 describes: the access token in
 * `Authorization: DPoP`, and a DPoP proof by the session key over this request (`htu` without
 * query). Throws ERR_RELAY_UNREACHABLE when the server cannot be reached.
 *
 * @example
 * const response = await callResource(url, { accessToken, signer: session.signer, body });
 */
export async function callResource(
  url: string,
  input: {
    accessToken: string;
    signer: Ed25519Signer;
    method?: string;
    body?: unknown;
    now?: number;
  },
): Promise<Response> {
  const method = input.method ?? "POST";
  const target = new URL(url);
  const proof = signDpopProof(
    { htm: method, htu: target.origin + target.pathname, accessToken: input.accessToken },
    { signer: input.signer, ...(input.now === undefined ? {} : { now: input.now }) },
  );
  const headers: Record<string, string> = {
    authorization: `DPoP ${input.accessToken}`,
    dpop: proof,
  };
  if (input.body !== undefined) headers["content-type"] = "application/json";
  try {
    return await fetch(url, {
      method,
      headers,
      ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
    });
  } catch (cause) {
    throw new ClientError("ERR_RELAY_UNREACHABLE", `resource: cannot reach ${target.origin}`, {
      cause,
    });
  }
}
