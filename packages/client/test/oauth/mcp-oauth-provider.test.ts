import {
  createSigner,
  didFromPublicKey,
  generateKeyPair,
  jwkThumbprint,
  verifyDpopProof,
} from "@ants/protocol";
import { describe, expect, it } from "vitest";
import { AntsOAuthClientProvider } from "../../src/oauth/mcp-oauth-provider.ts";

const ISSUER = "https://relay.example.com";
const signer = createSigner(generateKeyPair().seed);
const agent = { did: didFromPublicKey(signer.publicKey), signer };
const dpopKey = createSigner(generateKeyPair().seed);
const clock = { now: 1_767_225_600 };

/** A provider whose outgoing requests are recorded and answered by `answer`. */
function providerWith(answer: (url: string) => Response = () => new Response(null)) {
  const sent: { url: string; headers: Headers; method: string | undefined }[] = [];
  const provider = new AntsOAuthClientProvider({
    issuer: ISSUER,
    agent,
    scope: "/mcp/tools",
    dpopKey,
    now: () => clock.now,
    fetch: async (input, init) => {
      const url = String(input);
      sent.push({ url, headers: new Headers(init?.headers), method: init?.method });
      return answer(url);
    },
  });
  return { provider, sent };
}

function decodeClaims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString());
}

describe("AntsOAuthClientProvider", () => {
  it("signs client_credentials with private_key_jwt and the token request's DPoP proof", () => {
    const { provider } = providerWith();
    const params = provider.prepareTokenRequest();
    const headers = new Headers();
    provider.addClientAuthentication(headers, params, `${ISSUER}/oauth/token`);

    expect(Object.fromEntries(params)).toMatchObject({
      grant_type: "client_credentials",
      scope: "/mcp/tools",
      client_id: agent.did,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    });
    expect(decodeClaims(params.get("client_assertion")!)).toMatchObject({
      iss: agent.did,
      sub: agent.did,
      aud: ISSUER,
      exp: clock.now + 60,
    });
    expect(decodeClaims(headers.get("dpop")!)).toMatchObject({
      htm: "POST",
      htu: `${ISSUER}/oauth/token`,
    });
  });

  it("sends its own token as DPoP with a proof for the request, and other requests unchanged", async () => {
    const { provider, sent } = providerWith();
    provider.saveTokens({ access_token: "tok.en.x", token_type: "DPoP", expires_in: 300 });

    await provider.fetch(new URL("https://mcp.example.com/mcp?x=1"), {
      method: "post",
      headers: { authorization: "Bearer tok.en.x" },
    });
    await provider.fetch("https://mcp.example.com/other", {
      headers: { authorization: "Bearer someone-else" },
    });

    expect(sent[0]!.headers.get("authorization")).toBe("DPoP tok.en.x");
    const proof = verifyDpopProof(sent[0]!.headers.get("dpop"), {
      method: "POST",
      url: "https://mcp.example.com/mcp",
      accessToken: "tok.en.x",
      expectedThumbprint: jwkThumbprint(dpopKey.publicKey),
      now: clock.now,
    });
    expect(proof.jti).toBeTypeOf("string");
    expect(sent[1]!.headers.get("authorization")).toBe("Bearer someone-else");
    expect(sent[1]!.headers.has("dpop")).toBe(false);
  });

  it("presents its client metadata URL as client_id and assertion iss/sub when given one", () => {
    const clientId = `${ISSUER}/agents/${agent.did}/client.json`;
    const provider = new AntsOAuthClientProvider({
      issuer: ISSUER,
      agent,
      clientId,
      scope: "/mcp/tools",
    });
    const params = provider.prepareTokenRequest();
    provider.addClientAuthentication(new Headers(), params, `${ISSUER}/oauth/token`);
    expect(params.get("client_id")).toBe(clientId);
    expect(decodeClaims(params.get("client_assertion")!)).toMatchObject({
      iss: clientId,
      sub: clientId,
    });
    expect(provider.clientInformation()).toEqual({ client_id: clientId, issuer: ISSUER });
  });

  it("leaves a token that is not DPoP-bound as Bearer", async () => {
    const { provider, sent } = providerWith();
    provider.saveTokens({ access_token: "plain", token_type: "Bearer", expires_in: 300 });
    await provider.fetch("https://mcp.example.com/mcp", {
      headers: { authorization: "Bearer plain" },
    });
    expect(sent[0]!.headers.get("authorization")).toBe("Bearer plain");
    expect(sent[0]!.headers.has("dpop")).toBe(false);
  });

  it("stops offering a token 30 s before it expires, and keeps one without expires_in", () => {
    const { provider } = providerWith();
    provider.saveTokens({ access_token: "t", token_type: "DPoP", expires_in: 120 });
    expect(provider.tokens()?.access_token).toBe("t");
    clock.now += 90;
    try {
      expect(provider.tokens()).toBeUndefined();
      provider.saveTokens({ access_token: "no-expiry", token_type: "DPoP" });
      clock.now += 3600;
      expect(provider.tokens()?.access_token).toBe("no-expiry");
      clock.now -= 3600;
    } finally {
      clock.now -= 90;
    }
  });

  it("hands the SDK the relay's metadata, read from the configured issuer only", async () => {
    const metadata = { issuer: ISSUER, token_endpoint: `${ISSUER}/oauth/token` };
    const { provider, sent } = providerWith(() => Response.json(metadata));
    const state = await provider.discoveryState();
    expect(state).toEqual({
      authorizationServerUrl: ISSUER,
      authorizationServerMetadata: metadata,
    });
    expect(sent.map((request) => request.url)).toEqual([
      `${ISSUER}/.well-known/oauth-authorization-server`,
    ]);
  });

  it("refuses metadata naming another issuer (RFC 8414 section 3.3)", async () => {
    const forged = { issuer: "https://evil.example", token_endpoint: "https://evil.example/t" };
    const { provider } = providerWith(() => Response.json(forged));
    await expect(provider.discoveryState()).rejects.toMatchObject({
      code: "ERR_RELAY_RESPONSE_INVALID",
      message: "oauth metadata: issuer mismatch",
    });
  });

  it("refuses the browser flow with ERR_NOT_SUPPORTED", () => {
    const { provider } = providerWith();
    expect(provider.redirectUrl).toBeUndefined();
    expect(() => provider.redirectToAuthorization()).toThrow(
      expect.objectContaining({ code: "ERR_NOT_SUPPORTED" }),
    );
    expect(() => provider.codeVerifier()).toThrow(
      expect.objectContaining({ code: "ERR_NOT_SUPPORTED" }),
    );
  });

  it("names the agent as client, bound to the relay", () => {
    const { provider } = providerWith();
    expect(provider.clientInformation()).toEqual({ client_id: agent.did, issuer: ISSUER });
    expect(provider.clientMetadata).toMatchObject({
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "private_key_jwt",
      scope: "/mcp/tools",
    });
  });
});
