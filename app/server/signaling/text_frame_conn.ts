/**
 * The hub's {@linkcode Conn} over a `ws` WebSocket, with sends written as one buffer per frame.
 * `ws` writes a server text frame as two chunks (header, then the string) between `cork` and
 * `uncork`, which under Deno's `node:net` costs a vectored write and a string encoding per frame;
 * here the frame (RFC 6455 section 5.2: FIN and opcode 1, an unmasked length, the UTF-8 payload)
 * is built into one buffer and written once. Everything else (closing, pings, the receive side
 * and its size limit, `bufferedAmount`) stays with `ws`. Frames from `ws` itself (pings, close)
 * are written whole as well, so the two never interleave within a frame.
 * @module
 */
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Conn } from "./peer.ts";

const OPEN = 1;

/**
 * A text frame: header and UTF-8 payload in one buffer.
 *
 * @param text The message.
 * @returns The frame's bytes.
 *
 * @example
 * ```ts
 * textFrame("hi"); // Uint8Array [0x81, 0x02, 0x68, 0x69]
 * ```
 */
export function textFrame(text: string): Uint8Array {
  // Room for the payload at its largest (3 bytes per UTF-16 unit) after the longest header.
  const buf = new Uint8Array(10 + text.length * 3);
  const { written } = encoder.encodeInto(text, buf.subarray(10));
  const header = written < 126 ? 2 : written < 65536 ? 4 : 10;
  const start = 10 - header;
  buf[start] = 0x81;
  if (header === 2) buf[start + 1] = written;
  else if (header === 4) {
    buf[start + 1] = 126;
    buf[start + 2] = written >> 8;
    buf[start + 3] = written & 0xff;
  } else {
    buf[start + 1] = 127;
    new DataView(buf.buffer).setBigUint64(start + 2, BigInt(written));
  }
  return buf.subarray(start, 10 + written);
}

const encoder = new TextEncoder();

/**
 * Wraps an open `ws` socket and its connection for the hub.
 *
 * @param ws The WebSocket (`ws` library), open.
 * @param socket Its connection.
 * @returns The hub's view of it.
 *
 * @example
 * ```ts ignore
 * wss.handleUpgrade(req, socket, head, (ws) => hub.open(textFrameConn(ws, socket), o));
 * ```
 */
export function textFrameConn(ws: WebSocket, socket: Duplex): Conn {
  return {
    send(text: string): void {
      // Not open (closing): `ws` decides what a late send does.
      if (ws.readyState !== OPEN) return ws.send(text);
      socket.write(textFrame(text));
    },
    close: (code, reason) => ws.close(code, reason),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}
