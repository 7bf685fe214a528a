/**
 * Small readers for the benchmarks' JSON output. A benchmark whose output lacks a field the
 * suite expects fails loudly with the field's path, so a renamed field is noticed by the smoke
 * test rather than read as zero.
 */

/**
 * The number at `path` in `value`; throws naming the path when it is missing or not finite.
 *
 * @example
 * numberAt({ a: { b: 2 } }, "a.b"); // 2
 */
export function numberAt(value: unknown, path: string): number {
  const found = valueAt(value, path);
  if (typeof found !== "number" || !Number.isFinite(found)) {
    throw new Error(`benchmark output: ${path} is not a finite number`);
  }
  return found;
}

/**
 * The value at a dotted `path`; `undefined` when any step is missing.
 *
 * @example
 * valueAt({ a: [{ b: 1 }] }, "a.0.b"); // 1
 */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/**
 * Parses a benchmark's stdout: the JSON document that starts at the first line beginning with
 * `{` or `[` (a peer library may print a line of its own first).
 *
 * @example
 * parseBenchOutput('loading\n{"a":1}\n'); // { a: 1 }
 */
export function parseBenchOutput(stdout: string): unknown {
  const start = /^[[{]/m.exec(stdout);
  if (start === null) throw new Error("benchmark output: no JSON document");
  return JSON.parse(stdout.slice(start.index));
}
