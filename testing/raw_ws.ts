/**
 * Test helpers (not shipped) for WebSocket clients that misbehave below the browser API: upgrade
 * attempts over plain HTTP, and a raw TCP connection that upgrades `/ws` by hand, then writes
 * frames byte by byte, unmasked, with reserved bits or opcodes, or invalid UTF-8 (RFC 6455 section
 * 5), and reads until the server closes.
 * @module
 */
import { ORIGIN } from "./server.ts";

/** The headers of a WebSocket upgrade request (RFC 6455 section 4.1), without Origin or cookie. */
export const UPGRADE_HEADERS: Readonly<Record<string, string>> = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

/**
 * The status of an attempt at `/ws` over plain HTTP: refusals come back before any upgrade.
 *
 * @param base The server's base URL.
 * @param headers The request headers (e.g. {@linkcode UPGRADE_HEADERS} with an origin and cookie).
 * @param method The request method (default GET).
 * @returns The response status (101 is never reached by `fetch`; 426, 401, 403, 429...).
 *
 * @example
 * ```ts ignore
 * await upgradeStatus(srv.base, { ...UPGRADE_HEADERS, origin: ORIGIN }); // 401: no session
 * ```
 */
export async function upgradeStatus(
  base: string,
  headers: Record<string, string>,
  method = "GET",
): Promise<number> {
  const res = await fetch(base + "/ws", { method, headers });
  await res.body?.cancel();
  return res.status;
}

/** How a raw connection ended, from {@linkcode readUntilClosed}. */
export interface RawEnd {
  /** The status code of the server's close frame, if one came (1005 when it had none). */
  closeCode?: number;
  /** The server closed the TCP connection. */
  eof: boolean;
  /** A text frame matching the `text` option came. */
  matched?: boolean;
}

/**
 * Opens a TCP connection to the server and upgrades `/ws` with a session cookie.
 *
 * @returns The connection, after the `101` head was read, or throws with the status line.
 *
 * @example
 * ```ts ignore
 * // Needs a running server (server.ts) and a session cookie from signIn.
 * const conn = await rawUpgrade(srv.base, cookie);
 * await conn.write(wsFrame(new TextEncoder().encode('{"v":1,"type":"ping"}')));
 * ```
 */
export async function rawUpgrade(
  base: string,
  cookie: string,
  origin = ORIGIN,
): Promise<Deno.TcpConn> {
  const port = Number(new URL(base).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
      `Origin: ${origin}\r\nCookie: ${cookie}\r\n\r\n`,
  ));
  const buf = new Uint8Array(1);
  let head = "";
  // One byte at a time so nothing after the head (the welcome frame) is consumed. Bounded.
  for (let i = 0; i < 4096 && !head.endsWith("\r\n\r\n"); i++) {
    const n = await conn.read(buf);
    if (n === null) break;
    head += String.fromCharCode(buf[0]);
  }
  if (!head.startsWith("HTTP/1.1 101")) {
    conn.close();
    throw new Error(`Cannot upgrade: ${head.split("\r\n")[0] || "connection closed"}`);
  }
  return conn;
}

/** Options of {@linkcode wsFrame}. */
export interface FrameOptions {
  /** Opcode (default 1, text). */
  opcode?: number;
  /** FIN bit (default true). */
  fin?: boolean;
  /** RSV1..3 bits as a 3-bit number (default 0). */
  rsv?: number;
  /** Mask the payload, as clients must (default true). */
  mask?: boolean;
  /** Payload length to announce instead of the real one (for frames never completed). */
  length?: bigint;
}

/**
 * Encodes one client frame (RFC 6455 section 5.2), correct unless told otherwise.
 *
 * @example
 * ```ts
 * wsFrame(new Uint8Array([0xff]), { opcode: 1 }); // text frame with invalid UTF-8
 * ```
 */
export function wsFrame(payload: Uint8Array, o: FrameOptions = {}): Uint8Array {
  const len = o.length ?? BigInt(payload.length);
  const masked = o.mask ?? true;
  const head: number[] = [((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | (o.opcode ?? 1)];
  const m = masked ? 0x80 : 0;
  if (len < 126n) head.push(m | Number(len));
  else if (len < 65536n) head.push(m | 126, Number(len >> 8n), Number(len & 0xffn));
  else {
    head.push(m | 127);
    for (let i = 7; i >= 0; i--) head.push(Number((len >> BigInt(i * 8)) & 0xffn));
  }
  const key = masked ? crypto.getRandomValues(new Uint8Array(4)) : new Uint8Array(0);
  const out = new Uint8Array(head.length + key.length + payload.length);
  out.set(head);
  out.set(key, head.length);
  payload.forEach((b, i) => out[head.length + key.length + i] = masked ? b ^ key[i % 4] : b);
  return out;
}

/**
 * Reads server frames until the server closes the TCP connection (or, with `closeFrame`, sends
 * a close frame; with `text`, sends a text frame that matches) or `ms` pass; notes the code of a
 * close frame on the way. Never answers pings nor the close frame.
 *
 * @returns How it ended; `eof` is false when the time ran out first.
 */
export async function readUntilClosed(
  conn: Deno.TcpConn,
  ms: number,
  o: { closeFrame?: boolean; text?: RegExp } = {},
): Promise<RawEnd> {
  const end: RawEnd = { eof: false };
  let bytes: Uint8Array = new Uint8Array(0);
  const buf = new Uint8Array(65536);
  const deadline = Date.now() + ms;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    while (Date.now() < deadline) {
      const timeout = new Promise<"timeout">((r) => {
        timer = setTimeout(() => r("timeout"), deadline - Date.now());
      });
      const n = await Promise.race([conn.read(buf).catch(() => null), timeout]);
      clearTimeout(timer);
      if (n === "timeout") break;
      if (n === null) return { ...end, eof: true };
      bytes = concat(bytes, buf.subarray(0, n));
      bytes = scanFrames(bytes, end, o.text);
      if (o.closeFrame && end.closeCode !== undefined) break;
      if (end.matched) break;
    }
    return end;
  } finally {
    clearTimeout(timer);
  }
}

/** Consumes whole server frames from `bytes`, records a close code; returns the rest. */
function scanFrames(bytes: Uint8Array, end: RawEnd, text?: RegExp): Uint8Array {
  let at = 0;
  while (bytes.length - at >= 2) {
    const opcode = bytes[at] & 0x0f;
    let len = bytes[at + 1] & 0x7f;
    let hdr = 2;
    if (len === 126) {
      if (bytes.length - at < 4) break;
      len = (bytes[at + 2] << 8) | bytes[at + 3];
      hdr = 4;
    } else if (len === 127) {
      if (bytes.length - at < 10) break;
      len = Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0));
      hdr = 10;
    }
    if (bytes.length - at < hdr + len) break;
    if (opcode === 0x1 && text) {
      end.matched ||= text.test(new TextDecoder().decode(bytes.subarray(at + hdr, at + hdr + len)));
    }
    if (opcode === 0x8) {
      end.closeCode = len >= 2 ? (bytes[at + hdr] << 8) | bytes[at + hdr + 1] : 1005;
    }
    at += hdr + len;
  }
  return bytes.slice(at);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
