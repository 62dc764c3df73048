/**
 * Compares the relay of Mesh3 servers from different trees (e.g. a checkout of the code before a
 * change and this one) and the bare Deno relay, on one test chain, in interleaved runs: the
 * server CPU per relayed ICE message (the relay benchmark's load and measure, bench/relay_load.ts)
 * is what a shared machine disturbs least. Prints every run and the medians.
 *
 * Usage: `deno run -A bench/relay_compare.ts <sockets> <rounds> name=<mesh3_server.ts> …`
 *
 * @example
 * ```sh
 * deno run -A bench/relay_compare.ts 100 4 before=/tmp/old/bench/servers/mesh3_server.ts \
 *   after=bench/servers/mesh3_server.ts
 * ```
 * @module
 */
import type { PrivateKeyAccount } from "viem";
import { ORIGIN, signedMessage, verify } from "../testing/server.ts";
import { startTestChain } from "../testing/chain.ts";
import { createRooms, fundedAccounts } from "../testing/chain_batch.ts";
import { spawnServer } from "./process.ts";
import { benchServerEnv, commitPairKeys } from "./relay_bench.ts";
import { closeAll, type Endpoint, openAll, runPhases } from "./relay_load.ts";

const [n = "100", rounds = "3", ...named] = Deno.args;
const N = Number(n);
const servers: [string, string][] = [
  ...named.map((a) => a.split("=", 2) as [string, string]),
  ["bare", new URL("./servers/bare_relay.ts", import.meta.url).pathname],
];

const chain = await startTestChain();
try {
  const accounts = await fundedAccounts(chain, N + 1);
  const creator = accounts.pop()!;
  const rooms = await createRooms(chain, creator, N / 2);
  const keys = await commitPairKeys(chain, accounts, rooms);
  const env = benchServerEnv(chain);
  const endpoints = async (base: string, kind: "mesh3" | "bare"): Promise<Endpoint[]> => {
    if (kind === "bare") return accounts.map((_, i) => ({ id: `p${i}`, sdp: keys[i].sdp }));
    const cookies: string[] = [];
    for (const a of accounts as PrivateKeyAccount[]) {
      cookies.push((await verify(base, await signedMessage(base, a, chain.chainId))).cookie!);
    }
    return accounts.map((a, i) => ({
      id: a.address,
      cookie: cookies[i],
      roomId: rooms[i >> 1],
      publicKey: keys[i].publicKey,
      kemKey: keys[i].kemKey,
      sdp: keys[i].sdp,
    }));
  };
  const cpu = new Map<string, number[]>();
  for (let r = 0; r < Number(rounds); r++) {
    // Opposite orders in turn: a busy spell of the machine falls on different servers.
    for (const [name, script] of r % 2 ? [...servers].reverse() : servers) {
      const kind = name === "bare" ? "bare" : "mesh3";
      const p = await spawnServer(`compare-${name}`, Deno.execPath(), ["run", "-A", script], env);
      try {
        const socks = await openAll(
          kind,
          `ws://127.0.0.1:${p.port}`,
          await endpoints(`http://127.0.0.1:${p.port}`, kind),
          ORIGIN,
        );
        const out = await runPhases(kind, socks, { iceMs: 4000, window: 1, serverPid: p.pid });
        cpu.set(name, [...cpu.get(name) ?? [], out.ice.serverCpuUsPerMessage ?? NaN]);
        console.log(
          `${name}: ${N} sockets, ${out.ice.perSecond.toFixed(0)} ICE msg/s, server CPU ` +
            `${out.ice.serverCpu?.toFixed(2)}, ${
              out.ice.serverCpuUsPerMessage?.toFixed(1)
            } µs/msg, ` +
            `errors ${out.handshake.errors + out.ice.errors}`,
        );
        await closeAll(socks);
      } finally {
        await p.stop();
      }
    }
  }
  for (const [name, xs] of cpu) {
    const median = [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(`median ${name}: ${median.toFixed(1)} µs CPU per message (${xs.length} runs)`);
  }
} finally {
  await chain.stop();
}
Deno.exit(0);
