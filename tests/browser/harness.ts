/**
 * Helpers for browser tests that run client modules without the app server: bundle an entry
 * with `deno bundle` (as the app's island bundle is built) and serve it on a loopback page.
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Bundles a browser entry module into one ES module text.
 *
 * @param entry Absolute path of the entry.
 * @returns The bundled JavaScript.
 */
export async function bundleEntry(entry: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mesh3-test-bundle-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--config",
        `${ROOT}deno.json`,
        "--platform=browser",
        "-o",
        `${dir}/out.js`,
        entry,
      ],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `Cannot bundle ${entry}: ${new TextDecoder().decode(out.stderr).slice(-2000)}`,
      );
    }
    return await Deno.readTextFile(`${dir}/out.js`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A loopback page serving one script. */
export interface TestPageServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves an empty page that loads `script` as a module, on 127.0.0.1.
 *
 * @param script The bundled JavaScript.
 * @returns The page URL and a close function.
 */
export function servePage(script: string): TestPageServer {
  const html =
    `<!doctype html><html><head><meta charset="utf-8"><title>harness</title></head><body><script type="module" src="/app.js"></script></body></html>`;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/app.js") {
      return new Response(script, { headers: { "content-type": "text/javascript" } });
    }
    if (path === "/") return new Response(html, { headers: { "content-type": "text/html" } });
    return new Response("not found", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/`,
    close: () => server.shutdown(),
  };
}
