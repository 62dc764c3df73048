/**
 * The web half of the server: pages, islands and static files, as one Hono app.
 * @module
 */
import { type Context, Hono } from "hono";
import type { VNode } from "preact";
import App from "../../routes/_app.tsx";
import { notFound, serverError } from "../../routes/_error.tsx";
import * as index from "../../routes/index.tsx";
import * as room from "../../routes/room/[roomId].tsx";
import { envIp } from "../client_ip.ts";
import { islandNames } from "./island_registry.ts";
import { renderPage } from "./render.tsx";
import type { RenderOptions, RouteContext, RouteHandler, WebDeps } from "./route.ts";
import { securityHeaders } from "./security_headers.ts";
import { staticFiles } from "./static_files.ts";

/** The page routes, Fresh's file routes written out: path → route module handler. */
const ROUTES: [string, RouteHandler][] = [
  ["/", index.handler],
  ["/room/:roomId", room.handler],
];

/**
 * Builds the web app: security headers on every response, `/static/*`, the page routes, and
 * HTML 404/500 pages. The islands of `deps.assets` must be registered for the server render,
 * which {@linkcode buildAssets} does; otherwise this throws.
 *
 * @example
 * ```ts ignore
 * import { buildAssets, webApp } from "./mod.ts";
 * const app = webApp({ assets: await buildAssets(), getRoom, publicConfig });
 * Deno.serve(app.fetch);
 * ```
 */
export function webApp(deps: WebDeps): Hono {
  const registered = islandNames();
  const missing = deps.assets.islands.filter((name) => !registered.has(name));
  if (missing.length > 0) {
    throw new Error(
      `Cannot build the web app: islands ${
        missing.join(", ")
      } are not registered (use buildAssets)`,
    );
  }
  const app = new Hono();
  app.use(securityHeaders({ rpcUrl: deps.publicConfig.rpcUrl }));
  app.use("/static/*", staticFiles(deps.assets));
  app.get("/favicon.ico", (c) => c.redirect("/static/favicon.svg", 301));
  for (const [path, handler] of ROUTES) {
    app.get(path, (c) => handler(routeContext(c, deps)));
  }
  app.notFound((c) => notFound(routeContext(c, deps)));
  app.onError((err, c) => {
    console.error("web: cannot render page:", err);
    return serverError(routeContext(c, deps));
  });
  return app;
}

function routeContext(c: Context, deps: WebDeps): RouteContext {
  return {
    req: c.req.raw,
    ip: envIp(c.env),
    params: c.req.param() as Record<string, string>,
    deps,
    render: (page: VNode, opts: RenderOptions = {}) => {
      const html = renderPage(
        <App title={opts.title} stylesheet={deps.assets.stylesheet} config={deps.publicConfig}>
          {page}
        </App>,
        { islandsScript: deps.assets.script },
      );
      return c.html(html, (opts.status ?? 200) as 200, { "Cache-Control": "no-store" });
    },
  };
}
