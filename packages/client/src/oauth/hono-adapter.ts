import {
  type AntsAuthInfo,
  type OAuthResourceGuard,
  refusalResponse,
} from "./oauth-resource-guard.ts";

/**
 * The Hono environment the adapter fills: `c.get("auth")` is the verified caller. Declare the
 * app with it: `new Hono<AntsHonoEnv>()`.
 */
export interface AntsHonoEnv {
  Variables: { auth: AntsAuthInfo };
}

/**
 * The parts of Hono's `Context` the adapter uses. Written out here so that `@ants/client` needs
 * no Hono at run time; Hono's own `Context<AntsHonoEnv>` has them.
 */
export interface HonoLikeContext {
  req: { raw: Request };
  set(key: "auth", value: AntsAuthInfo): void;
}

/**
 * A Hono middleware that verifies the caller (docs/oauth.md section 6) and sets `c.get("auth")`,
 * or answers the refusal as a Response with its RFC 6750 / RFC 9449 challenge. It reads only
 * `c.req.raw`, the Web `Request`, so it runs wherever Hono runs.
 *
 * @example
 * const app = new Hono<AntsHonoEnv>();
 * app.get(PROTECTED_RESOURCE_METADATA_PATH, (c) => c.json(guard.metadata()));
 * app.post("/posts", honoOAuth(guard, { scope: "/social/post" }), (c) => c.json(c.get("auth")));
 */
export function honoOAuth(guard: OAuthResourceGuard, required: { scope: string }) {
  return async (c: HonoLikeContext, next: () => Promise<void>): Promise<Response | undefined> => {
    let caller: AntsAuthInfo;
    try {
      caller = await guard.authenticate(c.req.raw, required);
    } catch (error) {
      return refusalResponse(guard.refusal(error, required));
    }
    c.set("auth", caller);
    await next();
    return undefined;
  };
}
