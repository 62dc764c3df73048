/**
 * Issue 10, item 7: a frame announcing a huge payload is refused from its header, before the
 * server reads (and buffers) the payload. Deno's own WebSocket read every message whole, up to
 * 64 MiB, before the handler's size check; 8 such messages took a server from 87 MiB to a
 * 637 MiB peak RSS (`deno run -A bench/large_frames.ts` measures it).
 */
import assert from "node:assert/strict";
import { rawUpgrade, readUntilClosed, wsFrame } from "../../../testing/raw_ws.ts";
import { signIn } from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";

const ANNOUNCED = 60 * 1024 * 1024;
const CHUNK = 256 * 1024;

Deno.test("large frames: a 60 MiB frame is refused at its header (1009), not read", async () => {
  const bed = await startSignalingBed();
  const { chain, srv } = bed;
  try {
    const { cookie } = await signIn(srv.base, chain, 1);
    const conn = await rawUpgrade(srv.base, cookie);
    const ended = readUntilClosed(conn, 30_000, { closeFrame: true });
    let closed = false;
    void ended.then(() => closed = true);
    // The header announces 60 MiB; the payload follows in chunks while the server lets it.
    await conn.write(wsFrame(new Uint8Array(0), { length: BigInt(ANNOUNCED) }));
    let written = 0;
    const chunk = new Uint8Array(CHUNK);
    // Bounded: at most the announced 60 MiB.
    while (written < ANNOUNCED && !closed) {
      try {
        written += await conn.write(chunk);
      } catch {
        break; // the server cut the connection
      }
      await new Promise((r) => setTimeout(r, 0));
    }
    const end = await ended;
    conn.close();
    console.log(
      `large frames: ${(written / 2 ** 20).toFixed(2)} MiB of 60 MiB sent before the close`,
    );
    assert.equal(end.closeCode ?? (end.eof ? 1009 : undefined), 1009);
    // The socket buffers of both ends hold a few MiB at most; the server read no more.
    assert.ok(written < 16 * 2 ** 20, `the server read ${written} bytes of the frame first`);
  } finally {
    await bed.close();
  }
});
