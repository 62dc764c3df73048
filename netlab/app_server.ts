/**
 * The real Mesh3 server as the lab runs it inside the "internet" namespace: `loadConfig` from
 * the `MESH3_*` environment, `createServer` with the real island bundle, served over HTTPS with
 * the lab's test certificate (`NETLAB_CERT`, `NETLAB_KEY`) on the server's one port for pages
 * and `/ws` (app/server/serve.ts): pages need a secure context, and behind a "TCP 443 only"
 * firewall the app must be on 443 too. Prints `ready` when listening.
 *
 * Usage (the lab does this): `ip netns exec <inet> deno run -A netlab/app_server.ts`.
 * @module
 */
import { loadConfig } from "../fresh.config.ts";
import { pages } from "../app/pages.ts";
import { createServer } from "../app/server/app.ts";
import { serve } from "../app/server/serve.ts";
import { buildAssets } from "../app/server/web/mod.ts";

const config = loadConfig(Deno.env.toObject());
const assets = await buildAssets({
  minify: true,
  pin: config,
});
const server = await createServer(config, { web: { pages, assets } });
const http = await serve({
  hostname: config.host,
  port: config.port,
  tls: {
    cert: await Deno.readTextFile(Deno.env.get("NETLAB_CERT")!),
    key: await Deno.readTextFile(Deno.env.get("NETLAB_KEY")!),
  },
}, server);
console.log("ready");
const stop = async () => {
  await server.close();
  await http.shutdown();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
