import { Agent } from "@ants/client";
import {
  attenuate,
  createSigner,
  didFromPublicKey,
  type Ed25519Signer,
  encodeBase64url,
  generateKeyPair,
  signDelegation,
  signInvocation,
} from "@ants/protocol";

/** What the load generator needs to sign a fresh request body for each call. */
export interface AuthorizeFixture {
  /** `Authorization` header value. */
  authorization: string;
  /** A new request body: a freshly signed invocation over the warm three-hop chain. */
  body(): string;
}

/**
 * A registered, logged-in actor at the end of a three-hop chain (principal -> a -> b -> actor),
 * so every request re-uses the same delegations (warm in the relay's link cache) and carries one
 * fresh invocation signature, as a busy agent's calls do.
 */
export async function authorizeFixture(relayUrl: string): Promise<AuthorizeFixture> {
  const signer = () => createSigner(generateKeyPair().seed);
  const [principal, a, b] = [signer(), signer(), signer()];
  const actor = new Agent({ relay: relayUrl, signer: signer(), instance: "bench" });
  await actor.register();
  const session = await actor.login();
  const did = (key: Ed25519Signer) => didFromPublicKey(key.publicKey);
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const root = signDelegation({ aud: did(a), cmd: "/social", exp }, { signer: principal });
  const second = attenuate([root], { aud: did(b), cmd: "/social/post" }, { signer: a });
  const chain = [root, second, attenuate([root, second], { aud: actor.did }, { signer: b })];
  const { did: relayDid, origin } = await actor.relay.discover();
  const htu = `${origin}/v1/authorize`;
  return {
    authorization: `DPoP ${session.token}`,
    body: () => {
      const invocation = signInvocation(
        {
          iss: actor.did,
          sub: did(principal),
          aud: relayDid,
          cmd: "/social/post",
          args: { text: "load" },
          delegations: chain,
          htm: "POST",
          htu,
        },
        { signer: session.signer },
      );
      return JSON.stringify({ invocation, chain, resource: "https://social.example" });
    },
  };
}

/** The plain server's fixture: a fresh EdDSA JWT per request, signed by one key. */
export function plainFixture(): { publicKey: string; body(): string } {
  const key = createSigner(generateKeyPair().seed);
  const header = encodeBase64url(Buffer.from('{"alg":"EdDSA","typ":"JWT"}'));
  let counter = 0;
  return {
    publicKey: encodeBase64url(key.publicKey),
    body: () => {
      const claims = { sub: "agent", iat: Math.floor(Date.now() / 1000), jti: `j${counter++}` };
      const input = `${header}.${encodeBase64url(Buffer.from(JSON.stringify(claims)))}`;
      const token = `${input}.${encodeBase64url(key.sign(Buffer.from(input)))}`;
      return JSON.stringify({ token });
    },
  };
}
