/**
 * Compares the relay of Mesh3 servers from different trees (e.g. a checkout of the code before a
 * change and this one) or on different transports (`servers/mesh3_native.ts`: Deno's own
 * WebSocket), the bare Deno relay and the PeerJS server, on one test chain, in interleaved runs:
 * the server CPU per relayed ICE message (the relay benchmark's load and measure,
 * bench/relay_load.ts) is what a shared machine disturbs least. Each socket count in the list is
 * run `rounds` times per server, in opposite server orders in turn. Prints every run, then per
 * socket count the least CPU per message and the best msg/s of each server (other work on a shared
 * machine only ever makes a run worse), as ratios to the bare relay and to PeerJS.
 *
 * Usage: `deno run -A bench/relay_compare.ts <sockets,…> <rounds> name=<mesh3_server.ts> …`
 * (`MESH3_COMPARE_PEERJS=0` leaves PeerJS out).
 *
 * @example
 * ```sh
 * deno run -A bench/relay_compare.ts 100,1000 2 ws=bench/servers/mesh3_server.ts \
 *   native=bench/servers/mesh3_native.ts
 * ```
 * @module
 */
import type { PrivateKeyAccount } from "viem";
import { ORIGIN, signedMessage, verify } from "../testing/server.ts";
import { startTestChain } from "../testing/chain.ts";
import { commitPairKeys, createRooms, fundedAccounts } from "../testing/chain_batch.ts";
import { type ServerProcess, spawnServer } from "./process.ts";
import { benchServerEnv, startPeerJs } from "./relay_setup.ts";
import { closeAll, type Endpoint, openAll, runPhases } from "./relay_load.ts";

const [n = "100", rounds = "3", ...named] = Deno.args;
const levels = n.split(",").map(Number);
const N = Math.max(...levels);
const withPeerJs = Deno.env.get("MESH3_COMPARE_PEERJS") !== "0";
const servers: [string, string][] = [
  ...named.map((a) => a.split("=", 2) as [string, string]),
  ["bare", new URL("./servers/bare_relay.ts", import.meta.url).pathname],
  ...(withPeerJs ? [["peerjs", "peerjs"] as [string, string]] : []),
];
const kindOf = (name: string) => name === "bare" || name === "peerjs" ? name : "mesh3";

const chain = await startTestChain();
try {
  const accounts = await fundedAccounts(chain, N + 1);
  const creator = accounts.pop()!;
  const rooms = await createRooms(chain, creator, N / 2);
  const keys = await commitPairKeys(chain, accounts, rooms);
  const env = benchServerEnv(chain);
  const endpoints = async (base: string, name: string, count: number): Promise<Endpoint[]> => {
    const list = accounts.slice(0, count) as PrivateKeyAccount[];
    if (kindOf(name) !== "mesh3") return list.map((_, i) => ({ id: `p${i}`, sdp: keys[i].sdp }));
    const cookies: string[] = new Array(list.length);
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = next++; i < list.length; i = next++) {
        cookies[i] = (await verify(base, await signedMessage(base, list[i], chain.chainId)))
          .cookie!;
      }
    }));
    return list.map((a, i) => ({
      id: a.address,
      cookie: cookies[i],
      roomId: rooms[i >> 1],
      publicKey: keys[i].publicKey,
      kemKey: keys[i].kemKey,
      sdp: keys[i].sdp,
    }));
  };
  const start = (name: string, script: string): Promise<ServerProcess> =>
    name === "peerjs"
      ? startPeerJs()
      : spawnServer(`compare-${name}`, Deno.execPath(), ["run", "-A", script], env);
  /** Per socket count and server: CPU µs per message and msg/s of each run. */
  const runs = new Map<string, { cpu: number; rate: number }[]>();
  for (const count of levels) {
    for (let r = 0; r < Number(rounds); r++) {
      // Opposite orders in turn: a busy spell of the machine falls on different servers.
      for (const [name, script] of r % 2 ? [...servers].reverse() : servers) {
        const kind = kindOf(name);
        const p = await start(name, script);
        try {
          const socks = await openAll(
            kind,
            `ws://127.0.0.1:${p.port}`,
            await endpoints(`http://127.0.0.1:${p.port}`, name, count),
            ORIGIN,
          );
          const out = await runPhases(kind, socks, { iceMs: 4000, window: 1, serverPid: p.pid });
          const key = `${count} ${name}`;
          runs.set(key, [...runs.get(key) ?? [], {
            cpu: out.ice.serverCpuUsPerMessage ?? NaN,
            rate: out.ice.perSecond,
          }]);
          console.log(
            `${name}: ${count} sockets, ${out.ice.perSecond.toFixed(0)} ICE msg/s, server CPU ` +
              `${out.ice.serverCpu?.toFixed(2)}, ${
                out.ice.serverCpuUsPerMessage?.toFixed(1)
              } µs/msg, errors ${out.handshake.errors + out.ice.errors}`,
          );
          await closeAll(socks);
        } finally {
          await p.stop();
        }
      }
    }
  }
  for (const count of levels) {
    const at = (name: string) => runs.get(`${count} ${name}`) ?? [];
    const cpu = (name: string) => Math.min(...at(name).map((x) => x.cpu));
    const rate = (name: string) => Math.max(...at(name).map((x) => x.rate));
    for (const [name] of servers) {
      const vsPeer = withPeerJs ? `, ${(rate(name) / rate("peerjs")).toFixed(2)}× PeerJS` : "";
      console.log(
        `N=${count} ${name}: least ${cpu(name).toFixed(1)} µs CPU per message ` +
          `(${(cpu(name) / cpu("bare")).toFixed(2)}× bare), best ${rate(name).toFixed(0)} msg/s ` +
          `(${(rate(name) / rate("bare")).toFixed(2)}× bare${vsPeer}), ${at(name).length} runs`,
      );
    }
  }
} finally {
  await chain.stop();
}
Deno.exit(0);
