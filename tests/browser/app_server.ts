/**
 * The real Mesh3 server for browser tests: `createServer` from app/server/app.ts with the real
 * island bundle and CSS, configured through `loadConfig` against a test chain, served on
 * loopback. Optionally behind a TCP proxy whose connections the test can cut (a real network
 * drop for reconnect tests).
 * @module
 */
import { loadConfig } from "../../fresh.config.ts";
import { pages } from "../../app/pages.ts";
import { createServer, type Mesh3Server } from "../../app/server/app.ts";
import { type Handlers, refuseUpgrade, serve, type Serving } from "../../app/server/serve.ts";
import { type Assets, buildAssets } from "../../app/server/web/mod.ts";
import type { TestChain } from "../../testing/chain.ts";
import { ensConfig } from "../../app/server/config/ens_config.ts";
import type { ResponseHold } from "./held_response.ts";
import { hostileRelay, type Tamper, UPSTREAM_HEADER } from "./hostile_relay.ts";
import { startTcpProxy, type TcpProxy } from "./tcp_proxy.ts";

/** A running app server. */
export interface TestAppServer {
  /** The origin browsers open (the proxy's, when there is one). */
  url: string;
  server: Mesh3Server;
  /** Present when started with `proxy: true`. */
  proxy?: TcpProxy;
  /**
   * Stops the server process-wise (sockets closed, RAM state gone, port no longer listening),
   * as a crash or deploy would. Browsers' established DataChannels do not depend on it.
   */
  halt(): Promise<void>;
  /** Starts a fresh server (new RAM state, new sessions) on the same port after `halt()`. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@linkcode startAppServer}. */
export interface StartAppServerOptions {
  /** Serve through a cuttable TCP proxy. */
  proxy?: boolean;
  /** More `MESH3_*` variables (ICE servers, policy…). */
  env?: Record<string, string>;
  /** Put a hostile relay in front of `/ws` that rewrites server→browser frames. */
  tamper?: Tamper;
  /** Built assets to serve; default the app's, pinned to the configured chain and registry. */
  assets?: Assets;
  /** Holds a response mid-body (`holdFirst`), to navigate while a file loads. */
  hold?: ResponseHold;
}

/**
 * Builds the assets and starts the server against `chain`.
 *
 * @param chain A running test chain.
 * @param opts Proxy and extra environment.
 * @returns The running server; `stop()` it in a `finally`.
 */
export async function startAppServer(
  chain: TestChain,
  opts: StartAppServerOptions = {},
): Promise<TestAppServer> {
  // Built for the chain (and ENS) the server is configured with, as `deno task start` does.
  const chainId = Number(opts.env?.MESH3_CHAIN_ID ?? chain.chainId);
  const assets = opts.assets ?? await buildAssets({
    minify: true,
    pin: {
      chainId,
      registry: opts.env?.MESH3_REGISTRY ?? chain.registry,
      ...ensConfig((name) => opts.env?.[name], chainId),
    },
  });
  let handler: Handlers | null = null;
  const serveAt = (port: number) =>
    serve({ hostname: "127.0.0.1", port }, {
      fetch: async (req, remote) => {
        if (!handler) return new Response("starting", { status: 503 });
        const res = await handler.fetch(req, remote);
        return opts.hold ? await opts.hold.apply(req, res) : res;
      },
      upgrade: (req, socket, head) =>
        handler ? handler.upgrade(req, socket, head) : refuseUpgrade(socket, 503, "starting"),
    });
  let http: Serving | null = await serveAt(0);
  const httpPort = http.addr.port;
  const proxy = opts.proxy ? startTcpProxy(httpPort) : undefined;
  const port = proxy ? proxy.port : httpPort;
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    MESH3_HOST: "127.0.0.1",
    MESH3_PORT: String(port),
    MESH3_PUBLIC_ORIGIN: url,
    MESH3_RPC_URL: chain.rpcUrl,
    MESH3_CHAIN_ID: String(chain.chainId),
    MESH3_REGISTRY: chain.registry,
    MESH3_CHAIN_POLL_MS: "200",
    ...opts.env,
  });
  const upstream = `ws://127.0.0.1:${httpPort}/ws`;
  const tamper = opts.tamper;
  const compose = async () => {
    const server = await createServer(config, { web: { pages, assets } });
    handler = tamper
      ? {
        fetch: server.fetch,
        upgrade: (req, socket, head) =>
          new URL(req.url ?? "/", "http://x").pathname === "/ws" && !req.headers[UPSTREAM_HEADER]
            ? hostileRelay(req, { socket, head }, upstream, tamper)
            : server.upgrade(req, socket, head),
      }
      : server;
    return server;
  };
  let server = await compose();
  const halt = async () => {
    handler = null;
    await server.close();
    await http?.shutdown();
    http = null;
  };
  return {
    url,
    get server() {
      return server;
    },
    proxy,
    halt,
    async resume() {
      if (http) return;
      http = await serveAt(httpPort);
      server = await compose();
    },
    async stop() {
      opts.hold?.release();
      proxy?.close();
      if (http) await halt();
    },
  };
}
