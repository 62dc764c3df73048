/**
 * The web part of Mesh3: Fresh-shaped pages and islands on npm packages (docs/ISLANDS.md).
 *
 * @example
 * ```ts ignore
 * import { buildAssets, webApp } from "./mod.ts";
 * import { pages } from "../../pages.ts";
 * const app = webApp({ pages, assets: await buildAssets(), getRoom, publicConfig });
 * ```
 * @module
 */
export { type AssetFile, type Assets, buildAssets, type BuildAssetsOptions } from "./assets.ts";
export { loadIslands, registerIsland } from "./island_registry.ts";
export { renderPage, type RenderPageOptions } from "./render.tsx";
export type { PageManifest, RouteContext, RouteHandler, ShellProps, WebDeps } from "./route.ts";
export { securityHeaders, type SecurityHeadersOptions } from "./security_headers.ts";
export { IslandPropError, jsonForScript } from "./serialize_props.ts";
export { webApp } from "./web_app.tsx";
