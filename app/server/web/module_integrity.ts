/**
 * Subresource Integrity for every module of the split island bundle. The page's module script
 * carries its own `integrity`, but the chunks it imports (statically or with `import()`) are
 * fetched by the browser on its own; an import map's `integrity` section (HTML, supported by
 * Chromium and Firefox here) makes the browser check each of them as well, so a server or cache
 * that changes any chunk gets the page refused, not run.
 * @module
 */
import { encodeBase64 } from "../../core/bytes.ts";

/** What a page needs to pin every module it may load. */
export interface ModuleIntegrity {
  /** SRI value (`sha384-<base64>`) by module URL path. */
  integrity: Map<string, string>;
  /** Text of the page's `<script type="importmap">` listing them all. */
  importMap: string;
  /** The import map's CSP source (`'sha256-<base64>'`), for `script-src` (an inline script). */
  importMapCsp: string;
}

/**
 * Computes the SRI value of each JavaScript file and the import map that lists them.
 *
 * @param files Body by URL path; files not ending in `.js` are skipped.
 *
 * @example
 * ```ts
 * import { moduleIntegrity } from "./module_integrity.ts";
 * const m = await moduleIntegrity(new Map([["/static/build/a.js", new Uint8Array([1])]]));
 * m.importMap; // '{"integrity":{"/static/build/a.js":"sha384-…"}}'
 * ```
 */
export async function moduleIntegrity(
  files: ReadonlyMap<string, Uint8Array>,
): Promise<ModuleIntegrity> {
  const integrity = new Map<string, string>();
  for (const [url, body] of [...files].sort(([a], [b]) => a < b ? -1 : 1)) {
    if (!url.endsWith(".js")) continue;
    if (!/^[\w/.-]+$/.test(url)) {
      throw new Error(`Cannot list module integrity: URL ${JSON.stringify(url)} is not plain`);
    }
    integrity.set(url, `sha384-${await digest64("SHA-384", body)}`);
  }
  const importMap = JSON.stringify({ integrity: Object.fromEntries(integrity) });
  const importMapCsp = `'sha256-${await digest64("SHA-256", new TextEncoder().encode(importMap))}'`;
  return { integrity, importMap, importMapCsp };
}

async function digest64(alg: "SHA-256" | "SHA-384", body: Uint8Array): Promise<string> {
  return encodeBase64(new Uint8Array(await crypto.subtle.digest(alg, body as BufferSource)));
}
