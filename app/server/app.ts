/**
 * Composes the Mesh3 server: chain view, sign-in, signaling, ICE, and (when assets are given)
 * the web pages from app/server/web. State is RAM only.
 * @module
 */
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import type { Chain, Hex, PublicClient, Transport } from "viem";
import type { Config } from "./config/mod.ts";
import { pinOf } from "../shared/public_config.ts";
import { authRoutes, SESSION_COOKIE } from "./auth/routes.ts";
import { ChainView, createChainClient } from "./chain_view.ts";
import { type ClientEnv, clientIp, envIp } from "./client_ip.ts";
import { iceProvider, IceUnavailableError } from "./ice.ts";
import { iceAccess } from "./ice_access.ts";
import { ReadBudget } from "./read_budget.ts";
import type { Handlers } from "./serve.ts";
import { SignalingHub } from "./signaling/hub.ts";
import { upgradeHandler } from "./signaling/upgrade.ts";
import {
  type NonceBackend,
  openSharedState,
  type SessionBackend,
  type SharedState,
  StateUnavailableError,
} from "./state/mod.ts";
import { type Assets, type PageManifest, securityHeaders, webApp } from "./web/mod.ts";

/** Most buckets a per-IP or per-address limiter holds (only refilled ones are ever dropped). */
const MAX_LIMITER_KEYS = 100_000;

/** A composed server, ready for `serve` (serve.ts: one port for HTTP and `/ws`). */
export interface Mesh3Server extends Handlers {
  client: PublicClient<Transport, Chain>;
  view: ChainView;
  hub: SignalingHub;
  /** Nonces, sessions and caps: in memory, or in Redis with `MESH3_REDIS_URL`. */
  state: SharedState;
  sessions: SessionBackend;
  nonces: NonceBackend;
  /** Closes sockets and stops polling the chain. */
  close(): Promise<void>;
}

/** Options of {@linkcode createServer}. */
export interface CreateServerOptions {
  /** The pages (`app/pages.ts`) and the built island bundle and CSS; without them only `/api/*`
   * and `/ws` are served. */
  web?: { pages: PageManifest; assets: Assets };
  fetch?: typeof fetch;
  /** The shared state (default: the one the config names, opened here and closed with the
   * server). */
  state?: SharedState;
}

/**
 * Builds the server from a configuration. Polls the chain once before returning (a chain that
 * is down is tolerated: the view reports `chain-unavailable` until it answers).
 *
 * @param config From `loadConfig`.
 * @param opts The pages and their assets (optional).
 * @returns The server; pass it to `serve` (serve.ts) and call `close()` on shutdown.
 *
 * @example
 * ```ts ignore
 * // Needs a chain (the view polls it once before returning).
 * import { pages } from "../pages.ts";
 * import { loadConfig } from "./config/mod.ts";
 * import { serve } from "./serve.ts";
 * import { buildAssets } from "./web/mod.ts";
 * const server = await createServer(loadConfig(Deno.env.toObject()), {
 *   web: { pages, assets: await buildAssets({ minify: true }) },
 * });
 * const http = await serve({ hostname: "127.0.0.1", port: 8000 }, server);
 * ```
 */
export async function createServer(
  config: Config,
  opts: CreateServerOptions = {},
): Promise<Mesh3Server> {
  // Refused before anything starts: pages would refuse such a bundle's props anyway.
  const pin = opts.web?.assets.pin;
  const configured = JSON.stringify(pinOf(config));
  if (pin && JSON.stringify(pinOf(pin)) !== configured) {
    throw new Error(
      `Cannot serve: the island bundle was built for ${JSON.stringify(pinOf(pin))}, not the ` +
        `configured ${configured} (chain, registry and ENS settings)`,
    );
  }
  const l = config.limits;
  const client = createChainClient({
    rpcUrl: config.rpcUrl,
    chainId: config.chainId,
    chainName: config.chainName,
    timeoutMs: l.chainTimeoutMs,
  });
  const view = new ChainView({
    client: client as PublicClient,
    registry: config.registry,
    pollMs: l.chainPollMs,
    maxEntries: l.maxCacheEntries,
    negativeTtlMs: l.chainNegativeCacheMs,
    freshPollMs: l.chainFreshPollMs,
    budget: new ReadBudget({
      perAddress: {
        ratePerSecond: l.chainReadsPerSecondPerAddress,
        burst: l.chainReadBurstPerAddress,
      },
      perIp: { ratePerSecond: l.chainReadsPerSecondPerIp, burst: l.chainReadBurstPerIp },
      maxKeys: MAX_LIMITER_KEYS,
    }),
  });
  const state = opts.state ?? await openSharedState(config);
  const { nonces, sessions } = state;
  const ice = iceProvider(config.ice, opts.fetch);
  const hub = new SignalingHub({
    limits: l,
    view,
    chainId: config.chainId,
    registry: config.registry,
    sessionLive: (id) => sessions.live(id),
    caps: state.caps(l),
    rooms: state.rooms(),
    ice: (address) => ice(address),
  });
  sessions.onEnd((id) => hub.endSession(id));
  const mayHaveIce = iceAccess({
    inRoom: (roomId, address) => hub.inRoom(roomId, address),
    reader: (requester) => view.reader(requester),
    perMinute: l.icePerMinutePerAddress,
  });

  const api = new Hono();
  api.route("/auth", authRoutes({ config, client: client as PublicClient, nonces, sessions }));
  api.get("/ice", async (c) => {
    c.header("Cache-Control", "no-store");
    const session = await sessions.get(getCookie(c, SESSION_COOKIE));
    if (!session) return c.json({ error: "Not signed in.", code: "unauthorized" }, 401);
    const refused = await mayHaveIce(session.address, c.req.query("room"), envIp(c.env));
    if (refused) return c.json({ error: refused.error, code: refused.code }, refused.status);
    try {
      return c.json(await ice(session.address));
    } catch (e) {
      if (!(e instanceof IceUnavailableError)) throw e;
      return c.json({ error: e.message, code: "ice-unavailable" }, 503);
    }
  });
  api.get("/health", (c) => c.json({ chain: view.healthy ? "ok" : "unavailable" }));
  api.all("*", (c) => c.json({ error: "Not found.", code: "not-found" }, 404));

  const app = new Hono();
  const headers = securityHeaders({ rpcUrl: config.rpcUrl });
  // For load balancers: 200 only when this instance can serve, i.e. reaches the chain and its
  // shared state ("memory" when it has none to reach).
  app.get("/healthz", (c) => {
    const health = { chain: view.healthy ? "ok" : "unavailable", state: state.health() };
    c.header("Cache-Control", "no-store");
    return c.json(health, health.chain === "ok" && health.state !== "unavailable" ? 200 : 503);
  });
  app.use("/api/*", headers);
  app.route("/api", api);
  if (opts.web) {
    const web = webApp({
      ...opts.web,
      getRoom: (roomId: Hex, requester) => view.room(roomId.toLowerCase() as Hex, requester),
      publicConfig: {
        chainId: config.chainId,
        chainName: config.chainName,
        rpcUrl: config.rpcUrl,
        registry: config.registry,
        localDevChain: config.localDevChain,
        fileMaxBytes: config.fileMaxBytes,
        ...(config.ensUniversalResolver
          ? { ensUniversalResolver: config.ensUniversalResolver }
          : {}),
        ...(config.ensRpcUrl ? { ensRpcUrl: config.ensRpcUrl } : {}),
      },
    });
    app.route("/", web);
    // A mounted app's notFound is not the parent's: unknown paths get the app's HTML 404 page.
    app.notFound((c) => web.fetch(c.req.raw, c.env));
  } else {
    app.use("*", headers);
    app.all("*", (c) => c.text("Not found\n", 404));
  }
  app.onError((err, c) => {
    if (err instanceof StateUnavailableError) {
      return c.json({ error: err.message, code: "state-unavailable" }, 503);
    }
    console.error("server: request failed:", err instanceof Error ? err.name : "error");
    return c.json({ error: "Internal error.", code: "internal" }, 500);
  });

  const ws = upgradeHandler({ config, sessions, hub });
  await view.start();
  const sweeper = setInterval(() => {
    nonces.sweep();
    sessions.sweep();
  }, 60_000);

  return {
    fetch: (req, remote) => {
      if (new URL(req.url).pathname === "/ws") {
        return new Response("Cannot connect: /ws expects a WebSocket upgrade\n", {
          status: 426,
          headers: { "content-type": "text/plain" },
        });
      }
      // Counted once per request: the IP group every per-IP limit uses.
      const ip = clientIp(req.headers.get("x-forwarded-for"), remote, config.trustProxy);
      return app.fetch(req, { ip } satisfies ClientEnv);
    },
    upgrade: (req, socket, head) => {
      const forwarded = req.headers["x-forwarded-for"];
      const ip = clientIp(
        Array.isArray(forwarded) ? forwarded.join(", ") : forwarded,
        req.socket.remoteAddress,
        config.trustProxy,
      );
      ws(req, socket, head, ip);
    },
    client,
    view,
    hub,
    state,
    sessions,
    nonces,
    close: async () => {
      clearInterval(sweeper);
      hub.closeAll();
      ws.close();
      await view.stop();
      if (opts.state === undefined) await state.close();
    },
  };
}
