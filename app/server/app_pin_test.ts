import assert from "node:assert/strict";
import { loadConfig } from "../../fresh.config.ts";
import { pages } from "../pages.ts";
import { createServer } from "./app.ts";
import { buildAssets } from "./web/mod.ts";

const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const resolver = "0xCe01f8eee7E479C928F8919abD53E553a36CeF67";
const env = { MESH3_REGISTRY: registry, MESH3_CHAIN_ID: "31337", MESH3_PORT: "0" };

Deno.test("createServer: error: a bundle built for another ENS resolver (or none) is refused", async () => {
  const named = loadConfig({ ...env, MESH3_ENS_UNIVERSAL_RESOLVER: resolver });
  const plain = loadConfig(env);
  const bare = await buildAssets({ minify: false, pin: plain });
  await assert.rejects(
    () => createServer(named, { web: { pages, assets: bare } }),
    (e: Error) => {
      assert.match(e.message, /^Cannot serve: the island bundle was built for /);
      assert.ok(e.message.includes(resolver.toLowerCase()), e.message);
      return true;
    },
  );
  const other = await buildAssets({ minify: false, pin: { ...plain, chainId: 1 } });
  await assert.rejects(
    () => createServer(plain, { web: { pages, assets: other } }),
    /"chainId":1,.*not the configured \{"chainId":31337/,
  );
});
