/**
 * Starts Mesh3: reads `fresh.config.ts` from the environment, builds the island bundle and CSS,
 * and serves. Prints one line with the URL. SIGINT/SIGTERM close sockets and stop cleanly.
 *
 * @example
 * ```sh
 * deno run -A app/main.ts   # usually through `deno task start`
 * ```
 * @module
 */
import { ConfigError, loadConfig } from "../fresh.config.ts";
import { pages } from "./pages.ts";
import { createServer } from "./server/app.ts";
import { serve } from "./server/serve.ts";
import { StateUnavailableError } from "./server/state/mod.ts";
import { buildAssets } from "./server/web/mod.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Cannot start Mesh3: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  }
  // The chain, registry and ENS settings go into the bundle: changing them changes its hash
  // (docs/CLIENT.md).
  const assets = await buildAssets({ minify: true, pin: config });
  let server;
  try {
    server = await createServer(config, { web: { pages, assets } });
  } catch (e) {
    if (e instanceof StateUnavailableError) {
      console.error(`Cannot start Mesh3: ${e.message}`);
      Deno.exit(2);
    }
    throw e;
  }
  const http = await serve({ hostname: config.host, port: config.port }, server);
  const shown = config.port === 0 ? `http://${config.host}:${http.addr.port}` : config.publicOrigin;
  console.log(`Mesh3 listening on ${shown} (chain ${config.chainId}, registry ${config.registry})`);
  console.log(
    `Island bundle ${assets.script} (integrity ${assets.scriptIntegrity}; ` +
      `${assets.integrity.size} modules pinned by the import map ${assets.importMapCsp})`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await http.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}

if (import.meta.main) await main();
