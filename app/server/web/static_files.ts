/**
 * Serves `/static/*`: built assets from memory (immutable) and files of `app/static/` from disk.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { serveStatic } from "hono/serve-static";
import { join } from "node:path";
import { type AssetFile, type Assets, BUILD_PREFIX } from "./assets.ts";
import { PROJECT_ROOT } from "./bundle.ts";

/** Cache policy of content-hashed files: they never change under their name. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Cache policy of other static files: an hour, then revalidate. */
export const SHORT_CACHE = "public, max-age=3600, must-revalidate";

/** Absolute path of `app/static/`. */
export const STATIC_DIR: string = `${PROJECT_ROOT}app/static`;

/** Files of app/static that are build inputs, not served. */
const NOT_SERVED = new Set(["/styles.css"]);

/**
 * Middleware for `/static/*`. Built files come from memory, brotli or gzip when the request
 * accepts it (precompressed at build, `Vary: Accept-Encoding`). Unknown built files fall through
 * (404); paths with `..`, `//` or encoded separators are refused by Hono's serve-static.
 *
 * @example
 * ```ts ignore
 * app.use("/static/*", staticFiles(assets));
 * ```
 */
export function staticFiles(assets: Assets, dir: string = STATIC_DIR): MiddlewareHandler {
  const fromDisk = serveStatic({
    root: dir,
    join,
    rewriteRequestPath: (p) => p.slice("/static".length),
    getContent: async (path) => {
      try {
        const rel = path.slice(dir.length);
        if (NOT_SERVED.has(rel) || rel.startsWith("/build/")) return null;
        const stat = await Deno.stat(path);
        return stat.isFile ? (await Deno.open(path)).readable : null;
      } catch {
        return null;
      }
    },
    onFound: (_path, c) => {
      c.header("Cache-Control", SHORT_CACHE);
    },
  });
  return async function staticFilesHandler(c, next) {
    if (c.req.path.startsWith(BUILD_PREFIX)) {
      const file = assets.files.get(c.req.path);
      if (!file || (c.req.method !== "GET" && c.req.method !== "HEAD")) return await next();
      const coding = pickEncoding(c.req.header("Accept-Encoding"), file);
      const headers: Record<string, string> = {
        "Content-Type": file.contentType,
        "Cache-Control": IMMUTABLE,
      };
      if (file.br || file.gzip) headers["Vary"] = "Accept-Encoding";
      if (coding) headers["Content-Encoding"] = coding;
      const body = coding === "br" ? file.br! : coding === "gzip" ? file.gzip! : file.body;
      return c.body(body as Uint8Array<ArrayBuffer>, 200, headers);
    }
    return await fromDisk(c, next);
  };
}

/**
 * The content coding to send a built file in: brotli over gzip over none, as the request's
 * `Accept-Encoding` allows (a coding with `q=0` is refused) and the file has.
 *
 * @example
 * ```ts
 * import { pickEncoding } from "./static_files.ts";
 * const file = { body: new Uint8Array(), contentType: "text/javascript", br: new Uint8Array() };
 * pickEncoding("gzip, deflate, br", file); // "br"
 * pickEncoding("br;q=0, gzip", file); // null: brotli refused, no gzip form
 * ```
 */
export function pickEncoding(
  accept: string | undefined,
  file: AssetFile,
): "br" | "gzip" | null {
  const accepted = new Set<string>();
  for (const part of (accept ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q && !(Number(q.slice(2)) > 0)) continue;
    accepted.add(name.trim());
  }
  if (file.br && accepted.has("br")) return "br";
  if (file.gzip && (accepted.has("gzip") || accepted.has("*"))) return "gzip";
  return null;
}
