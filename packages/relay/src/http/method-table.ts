import type { FastifyInstance } from "fastify";

/** The methods each registered path answers, to tell a wrong method from a missing path. */
export interface MethodTable {
  /** Methods the path answers, sorted; empty when no route matches the path at all. */
  allowedMethods(url: string): string[];
}

/**
 * Records every route as it is registered (call before adding routes), so the not-found handler
 * can answer a known path asked with the wrong method with 405 and an `Allow` header (RFC 9110
 * section 15.5.6) instead of 404.
 *
 * @example
 * const methods = recordRouteMethods(app);
 * methods.allowedMethods("/v1/agents"); // ["HEAD", "GET", "POST"] sorted
 */
export function recordRouteMethods(app: FastifyInstance): MethodTable {
  const routes: { pattern: RegExp; methods: Set<string> }[] = [];
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = patternOf(route.url ?? route.path);
    const known = routes.find((entry) => entry.pattern.source === pattern.source);
    const entry = known ?? { pattern, methods: new Set<string>() };
    if (known === undefined) routes.push(entry);
    for (const method of methods) entry.methods.add(method.toUpperCase());
    if (entry.methods.has("GET")) entry.methods.add("HEAD");
  });
  return {
    allowedMethods: (url) => {
      const end = url.indexOf("?");
      const path = end === -1 ? url : url.slice(0, end);
      const allowed = new Set<string>();
      for (const entry of routes) {
        if (entry.pattern.test(path)) for (const method of entry.methods) allowed.add(method);
      }
      return [...allowed].sort();
    },
  };
}

/** A find-my-way path as a regular expression: `:name` is one segment, `*` the rest. */
function patternOf(path: string): RegExp {
  const source = path
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    .map((part) => {
      if (part === "*") return ".*";
      if (part.startsWith(":")) return "[^/]+";
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}
