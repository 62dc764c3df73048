/**
 * A loopback UDP forwarder that records every datagram it carries: put in front of a TURN
 * server, it sees exactly what the relay sees from (and sends to) each browser, so a test can
 * search the captured bytes for plaintext. Uses `node:dgram` (stable in Deno, no capture tool
 * or privileges needed).
 * @module
 */
import dgram from "node:dgram";

/** A running recorder. */
export interface UdpRecorder {
  /** The port clients send to (use it in the TURN URL instead of the server's). */
  port: number;
  /** Every datagram seen, both directions, in order (bounded by `maxBytes`). */
  datagrams: Uint8Array[];
  /** Total bytes seen (also past the bound). */
  bytes(): number;
  /** How many times `needle` occurs in the captured bytes (per datagram and across them). */
  count(needle: string | Uint8Array): number;
  close(): void;
}

/**
 * Forwards UDP from 127.0.0.1:`port` to 127.0.0.1:`targetPort` (one upstream socket per client
 * address, so replies go back to the right client) and records both directions.
 *
 * @param targetPort The real server's UDP port.
 * @param maxBytes Most bytes kept (more are forwarded but not kept). Default 64 MiB.
 * @returns The recorder; `close()` it in a `finally`.
 *
 * @example
 * ```ts ignore
 * const rec = await startUdpRecorder(turn.port);
 * // browsers use turn:127.0.0.1:${rec.port}
 * assert.equal(rec.count("secret"), 0);
 * ```
 */
export async function startUdpRecorder(
  targetPort: number,
  maxBytes = 64 * 1024 * 1024,
): Promise<UdpRecorder> {
  const datagrams: Uint8Array[] = [];
  let total = 0;
  let kept = 0;
  const keep = (msg: Uint8Array) => {
    total += msg.length;
    if (kept + msg.length > maxBytes) return;
    kept += msg.length;
    datagrams.push(new Uint8Array(msg));
  };
  const front = dgram.createSocket("udp4");
  const upstreams = new Map<string, dgram.Socket>();
  front.on("message", (msg, from) => {
    keep(msg);
    const key = `${from.address}:${from.port}`;
    let up = upstreams.get(key);
    if (!up) {
      up = dgram.createSocket("udp4");
      up.on("message", (reply) => {
        keep(reply);
        front.send(reply, from.port, from.address);
      });
      up.on("error", () => {});
      upstreams.set(key, up);
    }
    up.send(msg, targetPort, "127.0.0.1");
  });
  front.on("error", () => {});
  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", resolve));
  return {
    port: front.address().port,
    datagrams,
    bytes: () => total,
    count: (needle) => countOccurrences(datagrams, needle),
    close() {
      for (const up of upstreams.values()) up.close();
      front.close();
    },
  };
}

/**
 * How many times `needle` occurs in captured chunks, per chunk and across chunk boundaries (a
 * plaintext could straddle two datagrams or TCP segments).
 *
 * @param chunks Captured bytes in order.
 * @param needle Text (UTF-8) or bytes.
 * @returns The larger of the two counts.
 *
 * @example
 * ```ts
 * countOccurrences([new TextEncoder().encode("ab"), new TextEncoder().encode("c")], "abc"); // 1
 * ```
 */
export function countOccurrences(chunks: Uint8Array[], needle: string | Uint8Array): number {
  const n = typeof needle === "string" ? new TextEncoder().encode(needle) : needle;
  let found = 0;
  for (const c of chunks) found += occurrences(c, n);
  const joined = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.length;
  }
  return Math.max(found, occurrences(joined, n));
}

function occurrences(hay: Uint8Array, needle: Uint8Array): number {
  let n = 0;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    n++;
  }
  return n;
}
