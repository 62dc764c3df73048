/**
 * Issue 10, item 7: server memory while signed-in sockets each send one 60 MiB message. Starts
 * the real server as its own process (bench/servers/mesh3_server.ts) on a test chain, signs in
 * `MESH3_LARGE_SOCKETS` accounts (default 8), and has each send a frame announcing 60 MiB and
 * its payload as fast as the server reads it; samples the server's RSS every 20 ms. Prints the
 * RSS before, the peak, the RSS 2 s after the sockets are gone, and the peak growth per message.
 *
 * @example
 * ```sh
 * deno run -A bench/large_frames.ts
 * ```
 * @module
 */
import { rawUpgrade, wsFrame } from "../testing/raw_ws.ts";
import { signIn } from "../testing/server.ts";
import { startTestChain } from "../testing/chain.ts";
import { readRss, sleep, spawnServer } from "./process.ts";

const SOCKETS = Number(Deno.env.get("MESH3_LARGE_SOCKETS") ?? "8");
const ANNOUNCED = 60 * 1024 * 1024;
const CHUNK = 1024 * 1024;
const MiB = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;

const chain = await startTestChain();
const server = await spawnServer("mesh3-large", Deno.execPath(), [
  "run",
  "-A",
  new URL("./servers/mesh3_server.ts", import.meta.url).pathname,
], {
  MESH3_RPC_URL: chain.rpcUrl,
  MESH3_CHAIN_ID: String(chain.chainId),
  MESH3_REGISTRY: chain.registry,
  MESH3_PUBLIC_ORIGIN: "http://mesh3.test",
});
try {
  const base = `http://127.0.0.1:${server.port}`;
  const cookies = [];
  for (let i = 0; i < SOCKETS; i++) cookies.push((await signIn(base, chain, 1 + i)).cookie);
  await sleep(1000);
  const before = await server.rss();
  let peak = before;
  let sampling = true;
  const sampler = (async () => {
    // Bounded by the flag, set once every socket is done.
    while (sampling) {
      peak = Math.max(peak, await readRss(server.pid).catch(() => 0));
      await sleep(20);
    }
  })();
  const sent = await Promise.all(cookies.map(async (cookie) => {
    const conn = await rawUpgrade(base, cookie);
    let written = 0;
    try {
      await conn.write(wsFrame(new Uint8Array(0), { length: BigInt(ANNOUNCED) }));
      const chunk = new Uint8Array(CHUNK);
      while (written < ANNOUNCED) written += await conn.write(chunk);
      await sleep(500); // the server reads the last bytes and refuses the message
    } catch {
      // the server cut the connection
    } finally {
      conn.close();
    }
    return written;
  }));
  await sleep(2000);
  sampling = false;
  await sampler;
  const after = await server.rss();
  console.log(
    `large frames: ${SOCKETS} sockets × 60 MiB message; sent before the server closed: ` +
      sent.map((n) => MiB(n)).join(", "),
  );
  console.log(
    `large frames: RSS ${MiB(before)} before, ${MiB(peak)} peak, ${MiB(after)} 2 s after; ` +
      `peak growth per message ${MiB((peak - before) / SOCKETS)}`,
  );
} finally {
  await server.stop();
  await chain.stop();
}
Deno.exit(0);
