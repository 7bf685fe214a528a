// Key event logs that verify, each with the key history a verifier must derive from it.
import { incept, rotate } from "../../packages/protocol/test/support/key-event-log-builder.ts";
import { HOUR, KEYS, type KeyEventCase, T0, validCase, WINDOW } from "./fixtures.ts";

const { agent, next, next2, hot2, owner, ownerBackup, g1, g2, g3, thief, thiefNext, recovered } =
  KEYS;

/** The agent with everything: next key, two ranked owner keys, 2 of 3 guardians, 3 instances. */
export const FULL = incept({
  key: agent,
  next,
  owner,
  recovery: [owner, ownerBackup],
  guardians: { k: 2, of: [g1, g2, g3] },
  instances: 3,
  at: T0,
});

/** FULL after the thief, holding the stolen off-host next key, rotated to their own key. */
export const STOLEN_NEXT = rotate(FULL, {
  by: next,
  auth: "next",
  to: thief,
  next: thiefNext,
  at: T0 + HOUR,
});

/** Every valid case. */
export function validCases(): KeyEventCase[] {
  return [...inceptionCases(), ...rotationCases(), ...overrideCases()];
}

function inceptionCases(): KeyEventCase[] {
  return [
    validCase("inception alone: no next key, no owner", incept({ key: agent, at: T0 }), {
      currentKey: agent.did,
      nextKeyDigest: null,
      keyAt: [
        { time: T0 - 1, key: null },
        { time: T0, key: agent.did },
      ],
      revoked: [],
    }),
    validCase("inception with next key, ranked owner keys and 2 of 3 guardians", FULL, {
      currentKey: agent.did,
      nextKeyDigest: next.kid,
      keyAt: [{ time: T0, key: agent.did }],
      revoked: [],
    }),
  ];
}

function rotationCases(): KeyEventCase[] {
  const routine = rotate(FULL, { by: next, auth: "next", to: hot2, next: next2, at: T0 + HOUR });
  const twice = rotate(
    rotate(FULL, { by: next, auth: "next", to: next, next: next2, at: T0 + 1 }),
    {
      by: next2,
      auth: "next",
      to: hot2,
      at: T0 + 2,
    },
  );
  return [
    validCase(
      "routine rotation by the next key: same agent, new key from its receipt on",
      routine,
      {
        currentKey: hot2.did,
        nextKeyDigest: next2.kid,
        keyAt: [
          { time: T0 + HOUR - 1, key: agent.did },
          { time: T0 + HOUR, key: hot2.did },
        ],
        revoked: [{ key: agent.did, reason: "routine", at: T0 + HOUR }],
      },
    ),
    validCase("the next key makes itself current, then the next one rotates again", twice, {
      currentKey: hot2.did,
      nextKeyDigest: null,
      keyAt: [
        { time: T0 + 1, key: next.did },
        { time: T0 + 2, key: hot2.did },
      ],
      revoked: [
        { key: agent.did, reason: "routine", at: T0 + 1 },
        { key: next.did, reason: "routine", at: T0 + 2 },
      ],
    }),
    validCase(
      "owner recovery after theft: the stolen key is refused from the compromise time on",
      rotate(FULL, {
        by: owner,
        auth: "owner",
        to: recovered,
        next: next2,
        compromisedSince: T0 + 2 * HOUR,
        at: T0 + 5 * HOUR,
      }),
      {
        currentKey: recovered.did,
        nextKeyDigest: next2.kid,
        keyAt: [
          { time: T0 + 2 * HOUR - 1, key: agent.did },
          { time: T0 + 2 * HOUR, key: null },
          { time: T0 + 5 * HOUR, key: recovered.did },
        ],
        revoked: [
          {
            key: agent.did,
            reason: "compromise",
            at: T0 + 5 * HOUR,
            compromisedSince: T0 + 2 * HOUR,
          },
        ],
      },
    ),
    validCase(
      "2 of 3 guardians recover: one signs the rotation, one approves it",
      rotate(FULL, { by: g1, auth: "guardians", to: recovered, approvals: [g3], at: T0 + HOUR }),
      {
        currentKey: recovered.did,
        nextKeyDigest: null,
        keyAt: [{ time: T0 + HOUR, key: recovered.did }],
        revoked: [{ key: agent.did, reason: "routine", at: T0 + HOUR }],
      },
    ),
    validCase(
      "a repeated approval counts once; three distinct guardians are enough",
      rotate(FULL, {
        by: g2,
        auth: "guardians",
        to: recovered,
        approvals: [g1, g1, g3],
        at: T0 + 1,
      }),
      {
        currentKey: recovered.did,
        nextKeyDigest: null,
        keyAt: [{ time: T0 + 1, key: recovered.did }],
        revoked: [{ key: agent.did, reason: "routine", at: T0 + 1 }],
      },
    ),
    validCase(
      "after the window the thief's rotation is final; the owner can still rotate without ovr",
      rotate(STOLEN_NEXT, {
        by: owner,
        auth: "owner",
        to: recovered,
        compromisedSince: T0 + HOUR,
        at: T0 + HOUR + WINDOW,
      }),
      {
        currentKey: recovered.did,
        nextKeyDigest: null,
        keyAt: [
          { time: T0 + HOUR - 1, key: agent.did },
          { time: T0 + HOUR, key: null },
        ],
        revoked: [
          { key: agent.did, reason: "routine", at: T0 + HOUR },
          {
            key: thief.did,
            reason: "compromise",
            at: T0 + HOUR + WINDOW,
            compromisedSince: T0 + HOUR,
          },
        ],
      },
    ),
  ];
}

function overrideCases(): KeyEventCase[] {
  const byGuardians = rotate(STOLEN_NEXT, {
    by: g2,
    auth: "guardians",
    to: hot2,
    approvals: [g3],
    overrides: 1,
    at: T0 + 2 * HOUR,
  });
  const byBackup = rotate(FULL, { by: ownerBackup, auth: "owner", to: hot2, at: T0 + 1 });
  return [
    validCase(
      "the owner undoes the thief's next-key rotation 1 s before the window closes",
      rotate(STOLEN_NEXT, {
        by: owner,
        auth: "owner",
        to: recovered,
        next: next2,
        overrides: 1,
        at: T0 + HOUR + WINDOW - 1,
      }),
      {
        currentKey: recovered.did,
        nextKeyDigest: next2.kid,
        keyAt: [
          { time: T0 + HOUR, key: agent.did },
          { time: T0 + HOUR + WINDOW - 1, key: recovered.did },
        ],
        revoked: [
          { key: agent.did, reason: "routine", at: T0 + HOUR + WINDOW - 1 },
          {
            key: thief.did,
            reason: "overridden",
            at: T0 + HOUR + WINDOW - 1,
            compromisedSince: T0 + HOUR,
          },
        ],
      },
    ),
    validCase(
      "guardians undo the thief, then the backup owner key undoes the guardians",
      rotate(byGuardians, {
        by: ownerBackup,
        auth: "owner",
        to: recovered,
        overrides: 2,
        at: T0 + 3 * HOUR,
      }),
      {
        currentKey: recovered.did,
        nextKeyDigest: null,
        keyAt: [
          { time: T0 + 2 * HOUR, key: agent.did },
          { time: T0 + 3 * HOUR, key: recovered.did },
        ],
        revoked: [
          { key: agent.did, reason: "routine", at: T0 + 3 * HOUR },
          { key: thief.did, reason: "overridden", at: T0 + 2 * HOUR, compromisedSince: T0 + HOUR },
          {
            key: hot2.did,
            reason: "overridden",
            at: T0 + 3 * HOUR,
            compromisedSince: T0 + 2 * HOUR,
          },
        ],
      },
    ),
    validCase(
      "the first-ranked owner key undoes a rotation by the second-ranked one",
      rotate(byBackup, { by: owner, auth: "owner", to: recovered, overrides: 1, at: T0 + 2 }),
      {
        currentKey: recovered.did,
        nextKeyDigest: null,
        keyAt: [{ time: T0 + 1, key: agent.did }],
        revoked: [
          { key: agent.did, reason: "routine", at: T0 + 2 },
          { key: hot2.did, reason: "overridden", at: T0 + 2, compromisedSince: T0 + 1 },
        ],
      },
    ),
  ];
}
