import { describe, expect, it } from "vitest";
import {
  createSigner,
  generateKeyPair,
  parseHandleStatement,
  signHandleBinding,
  signHandleStatement,
  verifyHandleBinding,
  verifyHandleStatement,
} from "../../src/index.ts";
import { RELAY, T0, testAgent } from "../support/agents.ts";

const holder = testAgent("statement-holder");
const session = createSigner(generateKeyPair().seed);
const htu = "https://relay.test/v1/handles/kevin/transfer";
const recipient = testAgent("statement-recipient").did;

describe("signHandleStatement", () => {
  it("signs a statement that verifies against the session key", () => {
    const token = signHandleStatement(
      {
        iss: holder.did,
        aud: RELAY.did,
        act: "transfer",
        handle: "kevin",
        to: recipient,
        htm: "POST",
        htu,
      },
      { signer: session, now: T0 },
    );
    const claims = verifyHandleStatement(parseHandleStatement(token), {
      sessionKey: session.publicKey,
      agent: holder.did,
      relay: RELAY.did,
      act: "transfer",
      handle: "kevin",
      method: "POST",
      url: htu,
      now: T0 + 60,
    });
    expect(claims).toMatchObject({ to: recipient, iat: T0, jti: expect.any(String) });
  });

  it("refuses to sign a transfer without its recipient", () => {
    const sign = () =>
      signHandleStatement(
        { iss: holder.did, aud: RELAY.did, act: "transfer", handle: "kevin", htm: "POST", htu },
        { signer: session, now: T0 },
      );
    expect(sign).toThrow(expect.objectContaining({ code: "ERR_TOKEN_CLAIM_INVALID" }));
  });

  it("refuses to sign for a handle that is not canonical", () => {
    const sign = () =>
      signHandleStatement(
        { iss: holder.did, aud: RELAY.did, act: "release", handle: "KEVIN", htm: "POST", htu },
        { signer: session, now: T0 },
      );
    expect(sign).toThrow(expect.objectContaining({ code: "ERR_TOKEN_CLAIM_INVALID" }));
  });
});

describe("signHandleBinding", () => {
  it("names the relay key's DID as iss and expires after five minutes", () => {
    const token = signHandleBinding(
      { sub: holder.did, handle: "kevin", origin: "https://relay.test", since: T0, iat: T0 },
      RELAY.signer,
    );
    const claims = verifyHandleBinding(token, { relayKey: RELAY.signer.publicKey, now: T0 });
    expect(claims).toEqual({
      iss: RELAY.did,
      sub: holder.did,
      handle: "kevin",
      origin: "https://relay.test",
      since: T0,
      iat: T0,
      exp: T0 + 300,
    });
  });
});
