/**
 * The `/api/auth/*` routes: nonce, verify (sets the session cookie), logout, me.
 * @module
 */
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { PublicClient } from "viem";
import type { Config } from "../config/mod.ts";
import { envIp } from "../client_ip.ts";
import { KeyedRateLimiter } from "../token_bucket.ts";
import type { NonceBackend, SessionBackend } from "../state/mod.ts";
import { SignInError } from "../../shared/sign_in_error.ts";
import { verifySignIn } from "./siwe.ts";

/** Name of the session cookie. */
export const SESSION_COOKIE = "mesh3_session";

/** What the auth routes need. */
export interface AuthDeps {
  config: Config;
  client: PublicClient;
  nonces: NonceBackend;
  sessions: SessionBackend;
}

/**
 * Builds the auth routes, to mount at `/api/auth`.
 *
 * @param deps Configuration, chain client, nonce and session stores.
 * @returns A Hono app.
 *
 * @example
 * ```ts ignore
 * // The routes count requests per IP group from Hono's env (`{ ip }`, which app.ts computes
 * // once per request with clientIp); without it every request counts as "unknown".
 * import { Hono } from "hono";
 * import { createPublicClient, http, type PublicClient } from "viem";
 * import { loadConfig } from "../config/mod.ts";
 * import { MemoryState } from "../state/mod.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const client = createPublicClient({ transport: http(config.rpcUrl) }) as PublicClient;
 * const { nonces, sessions } = new MemoryState({
 *   nonceTtlSeconds: 300, maxNonces: 10_000, sessionTtlSeconds: 3600, maxSessions: 10_000,
 * });
 * const app = new Hono();
 * app.route("/api/auth", authRoutes({ config, client, nonces, sessions }));
 * Deno.serve((req, info) => app.fetch(req, { ip: clientIp(null, info.remoteAddr.hostname, false) }));
 * ```
 */
export function authRoutes(deps: AuthDeps): Hono {
  const { config, nonces, sessions } = deps;
  const secure = config.publicOrigin.startsWith("https:");
  const perIp = new KeyedRateLimiter({
    ratePerSecond: config.limits.authPerMinutePerIp / 60,
    burst: config.limits.authPerMinutePerIp,
    maxKeys: 100_000,
  });
  const app = new Hono();

  app.use("*", async (c, next) => {
    c.header("Cache-Control", "no-store");
    const ip = envIp(c.env);
    if ((c.req.method === "POST" || c.req.path.endsWith("/nonce")) && !perIp.take(ip)) {
      return c.json(
        { error: "Too many sign-in requests: wait a minute.", code: "rate-limited" },
        429,
      );
    }
    if (c.req.method === "POST" && !config.allowedOrigins.includes(c.req.header("origin") ?? "")) {
      return c.json(
        { error: "Cannot sign in: request from a foreign origin.", code: "bad-origin" },
        403,
      );
    }
    await next();
  });

  app.get("/nonce", async (c) => c.json({ nonce: await nonces.issue() }));

  app.post("/verify", async (c) => {
    const text = await c.req.text();
    if (text.length > 32_768) {
      return c.json({ error: "Request too large.", code: "too-large" }, 413);
    }
    let body: { message?: unknown; signature?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return c.json({ error: "Cannot sign in: body is not JSON.", code: "malformed" }, 400);
    }
    try {
      const address = await verifySignIn(
        { message: body?.message, signature: body?.signature },
        {
          origins: config.allowedOrigins,
          chainId: config.chainId,
          clockSkewSeconds: config.limits.clockSkewSeconds,
          maxAgeSeconds: config.limits.nonceTtlSeconds,
          client: deps.client,
          nonces,
        },
      );
      const old = getCookie(c, SESSION_COOKIE);
      if (old) await sessions.end(old);
      const session = await sessions.create(address, envIp(c.env));
      setCookie(c, SESSION_COOKIE, session.id, {
        httpOnly: true,
        sameSite: "Strict",
        secure,
        path: "/",
        maxAge: config.limits.sessionTtlSeconds,
      });
      return c.json({ address });
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      const status = error.code === "chain-unavailable" ? 503 : 401;
      return c.json({ error: error.message, code: error.code }, status);
    }
  });

  app.post("/logout", async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) await sessions.end(id);
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure, httpOnly: true, sameSite: "Strict" });
    return c.json({ ok: true });
  });

  // A probe, not a guarded resource: being signed out is an answer (`null`), not an error.
  app.get("/me", async (c) => {
    const session = await sessions.get(getCookie(c, SESSION_COOKIE));
    return c.json({ address: session?.address ?? null });
  });

  return app;
}
