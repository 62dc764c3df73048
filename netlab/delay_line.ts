/**
 * A delay line for routers on kernels without `sch_netem` (this machine's kernel is built
 * without it): the router's iptables send every forwarded packet to an NFQUEUE, and this
 * process, inside the router namespace, hands each one back to the kernel (`NF_ACCEPT`) after
 * a fixed delay. It speaks the nfnetlink_queue protocol over a raw netlink socket through libc
 * (Deno FFI); packets are queued with their metadata only, never copied out.
 *
 * Usage (the lab does this): `ip netns exec <router> deno run -A netlab/delay_line.ts <queue> <ms>`.
 * Prints `ready` once bound to the queue.
 * @module
 */
import { DELAY_QUEUE, LOSSY } from "./nat_profiles.ts";
import { type LabProcess, startProcess } from "./process.ts";

/**
 * Starts a delay line inside a router namespace (the lossy type's latency).
 *
 * @param routerNs The router's namespace.
 * @param logFile Where its output goes.
 * @returns The running process.
 * @example
 * ```ts ignore
 * const line = await startDelayLine("m3lab-0-r3", "/tmp/delay.log");
 * ```
 */
export function startDelayLine(routerNs: string, logFile: string): Promise<LabProcess> {
  return startProcess("delay line", [
    Deno.execPath(),
    "run",
    "-A",
    "--no-check",
    new URL(import.meta.url).pathname,
    String(DELAY_QUEUE),
    String(LOSSY.delayMs),
  ], { ns: routerNs, logFile, readyLine: /^ready$/m, timeoutMs: 30_000 });
}

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const NETLINK_NETFILTER = 12;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLMSG_ERROR = 2;
const QUEUE_MSG = (sub: number) => (3 << 8) | sub; // NFNL_SUBSYS_QUEUE
const MSG_PACKET = QUEUE_MSG(0);
const MSG_VERDICT = QUEUE_MSG(1);
const MSG_CONFIG = QUEUE_MSG(2);
const NF_ACCEPT = 1;

function message(type: number, flags: number, queue: number, attrs: [number, Uint8Array][]) {
  const body = attrs.map(([t, v]) => {
    const len = 4 + v.length;
    const out = new Uint8Array((len + 3) & ~3);
    new DataView(out.buffer).setUint16(0, len, true);
    new DataView(out.buffer).setUint16(2, t, true);
    out.set(v, 4);
    return out;
  });
  const total = 16 + 4 + body.reduce((n, b) => n + b.length, 0);
  const msg = new Uint8Array(total);
  const v = new DataView(msg.buffer);
  v.setUint32(0, total, true);
  v.setUint16(4, type, true);
  v.setUint16(6, flags, true);
  v.setUint8(16, 0); // AF_UNSPEC
  v.setUint8(17, 0); // NFNETLINK_V0
  v.setUint16(18, queue, false);
  let at = 20;
  for (const b of body) {
    msg.set(b, at);
    at += b.length;
  }
  return msg;
}

function bytes(...parts: [number, number][]): Uint8Array {
  // [value, size] in network byte order.
  const out = new Uint8Array(parts.reduce((n, [, s]) => n + s, 0));
  const v = new DataView(out.buffer);
  let at = 0;
  for (const [value, size] of parts) {
    if (size === 1) v.setUint8(at, value);
    else if (size === 2) v.setUint16(at, value, false);
    else v.setUint32(at, value, false);
    at += size;
  }
  return out;
}

async function main(queue: number, delayMs: number): Promise<void> {
  const libc = Deno.dlopen("libc.so.6", {
    socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
    bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
    send: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize" },
    recv: { parameters: ["i32", "buffer", "usize", "i32"], result: "isize", nonblocking: true },
  });
  const fd = libc.symbols.socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
  if (fd < 0) throw new Error("Cannot open a netfilter netlink socket");
  const addr = new Uint8Array(12);
  new DataView(addr.buffer).setUint16(0, AF_NETLINK, true);
  if (libc.symbols.bind(fd, addr, 12) !== 0) throw new Error("Cannot bind the netlink socket");
  const buf = new Uint8Array(65536);
  const request = async (msg: Uint8Array, what: string) => {
    libc.symbols.send(fd, msg, BigInt(msg.length), 0);
    const n = Number(await libc.symbols.recv(fd, buf, BigInt(buf.length), 0));
    const v = new DataView(buf.buffer);
    if (n < 20 || v.getUint16(4, true) !== NLMSG_ERROR || v.getInt32(16, true) !== 0) {
      throw new Error(`Cannot ${what}: the kernel refused (error ${v.getInt32(16, true)})`);
    }
  };
  // Bind to the queue for IPv4, then ask for metadata only (no packet bytes).
  await request(
    message(MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, queue, [[1, bytes([1, 1], [0, 1], [2, 2])]]),
    `bind NFQUEUE ${queue}`,
  );
  await request(
    message(MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, queue, [[2, bytes([0, 4], [1, 1])]]),
    "set the queue's copy mode",
  );
  console.log("ready");
  const accept = (id: number) => {
    const msg = message(MSG_VERDICT, NLM_F_REQUEST, queue, [[2, bytes([NF_ACCEPT, 4], [id, 4])]]);
    libc.symbols.send(fd, msg, BigInt(msg.length), 0);
  };
  for (;;) {
    const n = Number(await libc.symbols.recv(fd, buf, BigInt(buf.length), 0));
    if (n <= 0) continue;
    const v = new DataView(buf.buffer, 0, n);
    for (let at = 0; at + 16 <= n;) {
      const len = v.getUint32(at, true);
      if (len < 16) break;
      if (v.getUint16(at + 4, true) === MSG_PACKET) {
        // Attributes after nlmsghdr (16) and nfgenmsg (4); NFQA_PACKET_HDR (1) holds the id.
        for (let a = at + 20; a + 4 <= at + len;) {
          const alen = v.getUint16(a, true);
          if (alen < 4) break;
          if ((v.getUint16(a + 2, true) & 0x7fff) === 1) {
            const id = v.getUint32(a + 4, false);
            setTimeout(() => accept(id), delayMs);
          }
          a += (alen + 3) & ~3;
        }
      }
      at += (len + 3) & ~3;
    }
  }
}

if (import.meta.main) {
  const [queue, delayMs] = Deno.args.map(Number);
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
  await main(queue, delayMs);
}
