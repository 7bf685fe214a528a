import type { EntryBundle } from "../audit-log/log-reads.ts";
import { RelayError } from "../errors/relay-error.ts";

/** A log index, tree size or time in a path or query in a path or query: decimal, no sign, no leading zeroes. */
export const indexSchema = { type: "string", pattern: "^(0|[1-9][0-9]{0,15})$" } as const;
export const proofSchema = {
  type: "array",
  description: "Proof hashes, standard base64 (RFC 4648 section 4), bottom first.",
  items: { type: "string" },
} as const;
export const bundleSchema = {
  type: "object",
  required: ["index", "entry", "size", "proof"],
  additionalProperties: false,
  properties: {
    index: { type: "integer" },
    entry: { type: "string", description: "The exact entry bytes, standard base64." },
    size: { type: "integer", description: "Tree size of the checkpoint the proof is for." },
    proof: proofSchema,
    checkpoint: { type: "string", description: "The signed checkpoint (C2SP signed note)." },
  },
} as const;
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Path parameters of the entry routes. */
export const indexParams = {
  type: "object",
  required: ["index"],
  additionalProperties: false,
  properties: { index: indexSchema },
} as const;

/**
 * An entry bundle as JSON: entry and proof hashes in standard base64, the checkpoint optional.
 *
 * @example
 * describeBundle(await audit.reads.bundle(7), true);
 */
export function describeBundle(bundle: EntryBundle, withCheckpoint: boolean) {
  return {
    index: bundle.index,
    entry: base64(bundle.entry),
    size: bundle.size,
    proof: bundle.proof.map(base64),
    ...(withCheckpoint ? { checkpoint: bundle.checkpoint } : {}),
  };
}

/**
 * Reads a decimal index or size that the schema already shaped; refuses values beyond 2^53.
 *
 * @example
 * readIndex("42", "index"); // 42
 */
export function readIndex(text: string, field: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RelayError("ERR_REQUEST_FIELD_INVALID", `${field}: expected an integer below 2^53`);
  }
  return value;
}

/**
 * `{ [field]: n }` for a present index, `{}` for an absent one.
 *
 * @example
 * optionalIndex("5", "after"); // { after: 5 }
 */
export function optionalIndex<K extends string>(text: string | undefined, field: K) {
  return text === undefined ? {} : ({ [field]: readIndex(text, field) } as Record<K, number>);
}

/**
 * Standard base64 (RFC 4648 section 4), as transparency-log proofs use.
 *
 * @example
 * base64(hash); // "3q2+7w..."
 */
export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}
