// Every parser of untrusted input, each with valid samples to mutate. Used by the short parser
// fuzz test in `npm test` and by the long run of `npm run fuzz`.
import type fc from "fast-check";
import {
  buildDecisionEntry,
  compilePolicy,
  createNoteSigner,
  DELEGATION_TYP,
  decodeBase64url,
  decodeEntryBundle,
  decodeHashTile,
  decodeLogEntry,
  decryptSeed,
  encodeBase64url,
  encodeEntryBundle,
  encodeLogEntry,
  encryptSeed,
  evaluatePolicy,
  formatCheckpoint,
  formatVerifierKey,
  normalizeHandle,
  openNote,
  parseCheckpoint,
  parseCompactJws,
  parseHandleRef,
  parseHandleStatement,
  parseInvocation,
  parseLoginStatement,
  parseRevocationRequest,
  parseStrictJson,
  parseStrictJsonBytes,
  parseTilePath,
  parseVerifierKey,
  publicKeyFromDid,
  publicKeyFromJwk,
  publicKeyToJwk,
  signDelegation,
  signInvocation,
  signNote,
  verifyJwsSignature,
  verifyKeyEventLog,
  verifyOwnerCertificate,
} from "../../src/index.ts";
import { parseAgeHeader } from "../../src/keystore/age-header.ts";
import { HTU, RELAY, T0, testAgent } from "../support/agents.ts";
import { incept, rotate } from "../support/key-event-log-builder.ts";
import { hostileBytes, hostileText } from "./hostile-text.ts";

/** A parser under fuzzing: hostile input, and the call that must throw only coded errors. */
export interface ParserTarget {
  name: string;
  input: fc.Arbitrary<string> | fc.Arbitrary<Uint8Array>;
  run(input: never): unknown;
}

function textTarget(name: string, samples: string[], run: (input: string) => unknown) {
  return { name, input: hostileText(samples), run } as ParserTarget;
}

function bytesTarget(name: string, samples: Uint8Array[], run: (input: Uint8Array) => unknown) {
  return { name, input: hostileBytes(samples), run } as ParserTarget;
}

const alice = testAgent("fuzz-alice");
const bob = testAgent("fuzz-bob");
const bytesOf = (text: string) => new TextEncoder().encode(text);

/** JWS, did:key, JWK, strict JSON, invocations and the statements the relay reads. */
function tokenTargets(): ParserTarget[] {
  const root = signDelegation(
    { aud: bob.did, cmd: "/social", pol: [["==", ".to", "x"]], exp: T0 + 60, iat: T0 },
    { signer: alice.signer },
  );
  const invocation = signInvocation(
    {
      sub: alice.did,
      aud: RELAY.did,
      cmd: "/social/post",
      args: { to: "x" },
      prf: [],
      htm: "POST",
      htu: HTU,
      iat: T0,
    },
    { signer: bob.signer },
  );
  const jwk = JSON.stringify(publicKeyToJwk(alice.signer.publicKey));
  return [
    textTarget("compact JWS", [root, invocation], (input) => {
      const jws = parseCompactJws(input, { typ: DELEGATION_TYP, maxBytes: 8192 });
      verifyJwsSignature(jws, alice.signer.publicKey);
    }),
    textTarget("invocation", [invocation], (input) => parseInvocation(input)),
    textTarget("did:key", [alice.did, bob.did, RELAY.did], (input) => publicKeyFromDid(input)),
    textTarget("JWK", [jwk], (input) => publicKeyFromJwk(parseStrictJson(input))),
    textTarget("strict JSON", ['{"a":[1,"b",{"c":null}]}', jwk], (input) => parseStrictJson(input)),
    bytesTarget("strict JSON bytes", [bytesOf('{"a":"\\u00e9"}')], (input) =>
      parseStrictJsonBytes(input),
    ),
    textTarget("base64url", [encodeBase64url(bytesOf("hello world"))], (input) =>
      decodeBase64url(input),
    ),
    textTarget("login statement", [root], (input) => parseLoginStatement(input)),
    textTarget("handle statement", [root], (input) => parseHandleStatement(input)),
    textTarget("revocation request", [root], (input) => parseRevocationRequest(input)),
    textTarget("owner certificate", [root], (input) => verifyOwnerCertificate(input)),
  ];
}

/** Checkpoints, signed notes, verifier keys, log entries and tiles. */
function logTargets(): ParserTarget[] {
  const origin = "relay.example/log";
  const verifierKey = formatVerifierKey(origin, RELAY.signer.publicKey);
  const checkpoint = formatCheckpoint({
    origin,
    size: 3,
    rootHash: new Uint8Array(32).fill(9),
    extensions: [],
  });
  const note = signNote(checkpoint, [createNoteSigner(origin, RELAY.signer)]);
  const verifiers = [parseVerifierKey(verifierKey)];
  const entry = encodeLogEntry(
    buildDecisionEntry({
      time: T0,
      relay: RELAY.did,
      actor: bob.did,
      cmd: "/social/post",
      principal: alice.did,
      chain: [encodeBase64url(new Uint8Array(32).fill(1))],
      decision: "allow",
      invocation: signInvocation(
        {
          sub: alice.did,
          aud: RELAY.did,
          cmd: "/social/post",
          args: {},
          htm: "POST",
          htu: HTU,
          iat: T0,
        },
        { signer: bob.signer },
      ),
      prev: null,
    } as Parameters<typeof buildDecisionEntry>[0]),
  );
  return [
    textTarget("checkpoint", [checkpoint], (input) => parseCheckpoint(input)),
    textTarget("signed note", [note], (input) => parseCheckpoint(openNote(input, verifiers).text)),
    textTarget("verifier key", [verifierKey], (input) => parseVerifierKey(input)),
    bytesTarget("log entry", [entry], (input) => decodeLogEntry(input)),
    bytesTarget("entry bundle", [encodeEntryBundle([entry, entry])], (input) =>
      decodeEntryBundle(input),
    ),
    bytesTarget("hash tile", [new Uint8Array(64).fill(3)], (input) => decodeHashTile(input, 2)),
    textTarget("tile path", ["tile/0/x001/234", "tile/entries/000.p/7"], (input) =>
      parseTilePath(input),
    ),
  ];
}

/** Key event logs (one event per line), policies and handles. */
function identityTargets(): ParserTarget[] {
  const key = testAgent("fuzz-kel-1");
  const next = testAgent("fuzz-kel-2");
  const log = rotate(incept({ key, next, owner: alice, at: T0 }), {
    by: next,
    auth: "next",
    to: next,
    next: testAgent("fuzz-kel-3"),
    at: T0 + 60,
  });
  const events = log.records.map((record) => record.event).join("\n");
  const policies = [
    '[["==",".to","x"]]',
    '[["like",".to","*@example.com"],["<=",".n",3]]',
    '[["all",".tags",["!=",".","a"]]]',
  ];
  return [
    textTarget("key event log", [events], (input) => {
      const records = input.split("\n").map((event) => ({ event }));
      verifyKeyEventLog(records, { receivedAt: records.map((_, i) => T0 + i * 60) });
    }),
    textTarget("policy", policies, (input) => {
      const policy = compilePolicy(parseStrictJson(input));
      evaluatePolicy(policy, { to: "x", n: 2, tags: ["b", "c"] });
    }),
    textTarget("handle", ["kevin", "Kevin-2", "\u00e9lise"], (input) => normalizeHandle(input)),
    textTarget("handle reference", ["@Kevin@Relay.Example.com", "kevin"], (input) =>
      parseHandleRef(input),
    ),
  ];
}

/** Keystore files (age v1, scrypt): the header parser, and decryption up to a small work factor. */
async function keystoreTargets(): Promise<ParserTarget[]> {
  const file = await encryptSeed(new Uint8Array(32).fill(5), "correct horse", {
    insecureWorkFactorLog2ForTests: 10,
  });
  return [
    bytesTarget("age header", [file], (input) => parseAgeHeader(input)),
    // A mutated file may ask for any work factor: the cap refuses the absurd ones unread.
    bytesTarget("keystore file", [file], (input) =>
      decryptSeed(input, "correct horse", { maxWorkFactorLog2: 12 }),
    ),
  ];
}

/**
 * Every parser target, with valid samples built once.
 *
 * @example
 * for (const target of await parserTargets()) fc.assert(propertyFor(target));
 */
export async function parserTargets(): Promise<ParserTarget[]> {
  return [...tokenTargets(), ...logTargets(), ...identityTargets(), ...(await keystoreTargets())];
}
