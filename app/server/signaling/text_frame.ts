/**
 * A server's WebSocket text frame (RFC 6455 section 5.2: FIN and opcode 1, an unmasked length, the
 * UTF-8 payload) built into one buffer, and the check that a buffer is exactly one such frame
 * (frames relayed between instances arrive built and are written to the socket as they are).
 * @module
 */

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
 * The payload of a buffer that is exactly one final, unmasked text frame in the shortest length
 * form (as {@linkcode textFrame} builds it), or undefined for anything else.
 *
 * @param frame The bytes.
 * @returns The payload (a view, not a copy), or undefined.
 *
 * @example
 * ```ts
 * textFramePayload(textFrame("hi")); // Uint8Array [0x68, 0x69]
 * textFramePayload(new Uint8Array([0x81, 0x05, 0x68])); // undefined: cut short
 * ```
 */
export function textFramePayload(frame: Uint8Array): Uint8Array | undefined {
  if (frame.length < 2 || frame[0] !== 0x81) return undefined;
  const short = frame[1];
  let header = 2, length = short;
  if (short === 126) {
    header = 4;
    length = frame.length < 4 ? -1 : (frame[2] << 8) | frame[3];
    if (length < 126) return undefined;
  } else if (short === 127) {
    header = 10;
    if (frame.length < 10) return undefined;
    const big = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getBigUint64(2);
    if (big < 65536n || big > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    length = Number(big);
  } else if (short > 127) return undefined; // masked: a client's frame, not a server's
  return frame.length === header + length ? frame.subarray(header) : undefined;
}
