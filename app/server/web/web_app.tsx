/**
 * The web half of the server: pages, islands and static files, as one Hono app.
 * @module
 */
import { type Context, Hono } from "hono";
import type { VNode } from "preact";
import { envIp } from "../client_ip.ts";
import { islandNames } from "./island_registry.ts";
import { pwaFiles } from "./pwa.ts";
import { renderPage } from "./render.tsx";
import type { RenderOptions, RouteContext, WebDeps } from "./route.ts";
import { securityHeaders } from "./security_headers.ts";
import { staticFiles } from "./static_files.ts";

/**
 * Builds the web app: security headers on every response, `/static/*`, the web app manifest and
 * the service worker (pwa.ts), the page routes of
 * `deps.pages`, and its HTML 404/500 pages. The islands of `deps.assets` must be registered for the server render,
 * which {@linkcode buildAssets} does; otherwise this throws.
 *
 * @example
 * ```ts ignore
 * import { pages } from "../../pages.ts";
 * import { buildAssets, webApp } from "./mod.ts";
 * const app = webApp({ pages, assets: await buildAssets(), getRoom, publicConfig });
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
  // The ENS RPC, when names are read on a chain of their own (app/client/ens_names.ts).
  const ensRpcUrl = deps.publicConfig.ensRpcUrl;
  const connectSrc = ensRpcUrl ? [new URL(ensRpcUrl).origin] : [];
  app.use(
    securityHeaders({
      rpcUrl: deps.publicConfig.rpcUrl,
      connectSrc,
      scriptHashes: [deps.assets.importMapCsp],
    }),
  );
  app.use("/static/*", staticFiles(deps.assets));
  app.use(pwaFiles(deps.assets));
  app.get("/favicon.ico", (c) => c.redirect("/static/favicon.svg", 301));
  for (const [path, handler] of deps.pages.routes) {
    app.get(path, (c) => handler(routeContext(c, deps)));
  }
  app.notFound((c) => deps.pages.notFound(routeContext(c, deps)));
  app.onError((err, c) => {
    console.error("web: cannot render page:", err);
    return deps.pages.serverError(routeContext(c, deps));
  });
  return app;
}

function routeContext(c: Context, deps: WebDeps): RouteContext {
  const App = deps.pages.shell;
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
        {
          islandsScript: deps.assets.script,
          integrity: deps.assets.scriptIntegrity,
          moduleIntegrity: deps.assets.integrity,
          importMap: deps.assets.importMap,
          preload: deps.assets.preload,
        },
      );
      return c.html(html, (opts.status ?? 200) as 200, { "Cache-Control": "no-store" });
    },
  };
}
