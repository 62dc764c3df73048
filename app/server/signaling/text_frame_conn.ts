/**
 * The hub's {@linkcode Conn} over a `ws` WebSocket, with sends written as one buffer per frame.
 * `ws` writes a server text frame as two chunks (header, then the string) between `cork` and
 * `uncork`, which under Deno's `node:net` costs a vectored write and a string encoding per frame;
 * here the frame (RFC 6455 section 5.2: FIN and opcode 1, an unmasked length, the UTF-8 payload)
 * is built into one buffer and written once. Everything else (closing, pings, the receive side
 * and its size limit, `bufferedAmount`) stays with `ws`. Frames from `ws` itself (pings, close)
 * are written whole as well, so the two never interleave within a frame. A frame already built
 * (relayed from another instance) is written as it came.
 * @module
 */
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Conn } from "./peer.ts";
import { textFrame } from "./text_frame.ts";

const OPEN = 1;

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
    sendFrame(frame: Uint8Array): void {
      // A frame built elsewhere (another instance, through Redis): written as it is while open;
      // a late one is dropped, as `ws` drops a late send.
      if (ws.readyState === OPEN) socket.write(frame);
    },
    close: (code, reason) => ws.close(code, reason),
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
  };
}
