/**
 * Benchmark 7's baseline: a raw, negotiated DataChannel on the engine's own connection, the file
 * read as the engine reads it (blocks of whole chunks) and sent in its chunks with its water marks, sent in the clear, received and counted.
 * @module
 */
import type { Page } from "playwright-core";
import type { TestFile } from "../tests/browser/file_flow.ts";
import { READ_BLOCK_BYTES } from "../app/client/files/chunk_reader.ts";
import { HIGH_WATER, LOW_WATER } from "../app/client/files/file_link.ts";

const MiB = 1024 * 1024;

/** A page of the benchmark. */
interface Side {
  page: Page;
}

/**
 * Opens the raw channel (`bench-raw`, negotiated id 900) on the page's connected connection; the
 * page counts what arrives on it.
 *
 * @example
 * ```ts ignore
 * await Promise.all([openRaw(a), openRaw(b)]);
 * ```
 */
export async function openRaw(side: Side): Promise<void> {
  await side.page.evaluate(() => {
    const g = globalThis as unknown as Record<string, unknown>;
    const pcs = g.__pcs as RTCPeerConnection[];
    const pc = pcs.findLast((p) => p.connectionState === "connected")!;
    const dc = pc.createDataChannel("bench-raw", { negotiated: true, id: 900 });
    dc.binaryType = "arraybuffer";
    g.__raw = dc;
    g.__rawReceived = 0;
    dc.onmessage = (e) => {
      g.__rawReceived = (g.__rawReceived as number) + (e.data as ArrayBuffer).byteLength;
      g.__rawLast = performance.timeOrigin + performance.now();
    };
  });
}

/**
 * The raw baseline: the sender reads and sends the file in chunks.
 *
 * @returns MiB/s, from the first read to the last message's arrival.
 *
 * @example
 * ```ts ignore
 * const mibps = await rawRun(a, b, file, chunk);
 * ```
 */
export async function rawRun(from: Side, to: Side, file: TestFile, chunk: number): Promise<number> {
  await to.page.evaluate(() => {
    (globalThis as unknown as Record<string, unknown>).__rawReceived = 0;
  });
  await from.page.evaluate(() => {
    const input = document.createElement("input");
    input.type = "file";
    input.id = "bench-file";
    input.hidden = true;
    document.getElementById("bench-file")?.remove();
    document.body.append(input);
  });
  await from.page.locator("#bench-file").setInputFiles(file.path);
  const started = await from.page.evaluate(async ([chunk, high, low, block]) => {
    const g = globalThis as unknown as Record<string, unknown>;
    const dc = g.__raw as RTCDataChannel;
    const f = (document.getElementById("bench-file") as HTMLInputElement).files![0];
    dc.bufferedAmountLowThreshold = low;
    const t0 = performance.timeOrigin + performance.now();
    // Read as the engine reads (whole chunks a block at a time, the next block while sending).
    const step = Math.max(1, Math.floor(block / chunk)) * chunk;
    const read = (at: number) =>
      f.slice(at, at + step).arrayBuffer().then((b) => new Uint8Array(b));
    let next = read(0);
    for (let start = 0; start < f.size; start += step) {
      const bytes = await next;
      next = read(start + step);
      for (let at = 0; at < bytes.length; at += chunk) {
        if (dc.bufferedAmount > high) {
          await new Promise((r) => dc.addEventListener("bufferedamountlow", r, { once: true }));
        }
        dc.send(bytes.subarray(at, at + chunk));
      }
    }
    return t0;
  }, [chunk, HIGH_WATER, LOW_WATER, READ_BLOCK_BYTES] as const);
  await to.page.waitForFunction(
    (size) => (globalThis as unknown as Record<string, number>).__rawReceived >= size,
    file.size,
    { timeout: 600_000, polling: 50 },
  );
  const last = await to.page.evaluate(() =>
    (globalThis as unknown as Record<string, number>).__rawLast
  );
  return file.size / MiB / ((last - started) / 1000);
}
