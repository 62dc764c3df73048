/**
 * Renders a page to HTML with its islands' payload and boot script (docs/ISLANDS.md).
 * @module
 */
import type { VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { PAYLOAD_ID } from "../../shared/islands_format.ts";
import { withRenderState } from "./render_hooks.ts";
import { jsonForScript } from "./serialize_props.ts";

/** Options of {@linkcode renderPage}. */
export interface RenderPageOptions {
  /** URL of the islands module script (`Assets.script`). */
  islandsScript: string;
  /** Its Subresource Integrity value (`Assets.scriptIntegrity`): the browser runs the script
   * only if its bytes hash to it. */
  integrity?: string;
  /**
   * Island name → module URLs a page showing it needs (`Assets.preload`): sent as
   * `<link rel="modulepreload">` so the browser fetches them alongside the entry, not one after
   * another.
   */
  preload?: ReadonlyMap<string, readonly string[]>;
  /**
   * SRI value by module URL (`Assets.integrity`): each `modulepreload` carries its chunk's value.
   */
  moduleIntegrity?: ReadonlyMap<string, string>;
  /**
   * Text of the page's `<script type="importmap">` (`Assets.importMap`), whose `integrity`
   * section makes the browser check every chunk it loads, `import()` included. Sent before any
   * module; its CSP hash is in the page's `script-src`.
   */
  importMap?: string;
}

/**
 * Renders a full document. When islands were rendered, inserts before `</body>`: `<template>`s
 * for slots the islands did not render, the JSON payload, the import map of module integrity,
 * module preloads of the islands shown, and the module script that boots them.
 * Pages without islands ship no JavaScript. Throws `IslandPropError` for props that cannot be
 * sent to the browser.
 *
 * @example
 * ```tsx
 * import { renderPage } from "./render.tsx";
 * const html = renderPage(<html><body><p>hi</p></body></html>, { islandsScript: "/s.js" });
 * // "<!DOCTYPE html><html><body><p>hi</p></body></html>"
 * ```
 */
export function renderPage(page: VNode, opts: RenderPageOptions): string {
  const { result: body, state } = withRenderState(() => renderToString(page));
  const html = "<!DOCTYPE html>" + body;
  if (state.encoder.size === 0) return html;
  let tail = "";
  for (const [id, children] of state.pendingSlots) {
    // Rendered outside the page's state: islands inside an unrendered slot stay static.
    tail += `<template data-slot="${id}">${renderToString(<>{children}</>)}</template>`;
  }
  const payload = state.encoder.payload();
  tail += `<script type="application/json" id="${PAYLOAD_ID}">${jsonForScript(payload)}</script>`;
  if (opts.importMap) tail += `<script type="importmap">${opts.importMap}</script>`;
  const modules = new Set<string>();
  for (const island of new Set(payload.islands.map((i) => i.name))) {
    for (const url of opts.preload?.get(island) ?? []) modules.add(url);
  }
  for (const url of modules) {
    tail += `<link rel="modulepreload" href="${escapeAttr(url)}"${
      integrityAttr(opts.moduleIntegrity?.get(url))
    }/>`;
  }
  tail += `<script type="module" src="${escapeAttr(opts.islandsScript)}"${
    integrityAttr(opts.integrity)
  }></script>`;
  const at = html.lastIndexOf("</body>");
  return at === -1 ? html + tail : html.slice(0, at) + tail + html.slice(at);
}

function integrityAttr(value: string | undefined): string {
  return value ? ` integrity="${escapeAttr(value)}"` : "";
}

function escapeAttr(s: string): string {
  return s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
