/**
 * File steps for the browser tests (either browser): files made on disk in a stream (pseudo-random,
 * never whole in memory) with their SHA-256, picked through the real file input, offers accepted,
 * and the SHA-256 of what a page received, read back from its storage.
 * @module
 */
import { createHash } from "node:crypto";
import type { TestPage } from "./test_page.ts";

/** A file on disk for a test. */
export interface TestFile {
  path: string;
  name: string;
  size: number;
  sha256: string;
}

/**
 * Writes `size` pseudo-random bytes (xorshift32 from `seed`) to `dir/name`, 1 MiB at a time,
 * hashing as it goes.
 */
export async function writeRandomFile(
  dir: string,
  name: string,
  size: number,
  seed = 1,
): Promise<TestFile> {
  const path = `${dir}/${name}`;
  const hash = createHash("sha256");
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  let x = seed >>> 0 || 1;
  try {
    const block = new Uint8Array(1 << 20);
    const words = new Uint32Array(block.buffer);
    for (let at = 0; at < size; at += block.length) {
      for (let i = 0; i < words.length; i++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        words[i] = x >>> 0;
      }
      const part = block.subarray(0, Math.min(block.length, size - at));
      hash.update(part);
      for (let done = 0; done < part.length;) done += await file.write(part.subarray(done));
    }
  } finally {
    file.close();
  }
  return { path, name, size, sha256: hash.digest("hex") };
}

/** Writes bytes to `dir/name` and returns the test file. */
export async function writeFile(dir: string, name: string, bytes: Uint8Array): Promise<TestFile> {
  const path = `${dir}/${name}`;
  await Deno.writeFile(path, bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { path, name, size: bytes.length, sha256 };
}

/** Picks files in the composer (the real `<input type=file>`). */
export async function pickFiles(page: TestPage, ...files: TestFile[]): Promise<void> {
  await page.setInputFiles("file-input", files.map((f) => f.path));
}

/** The card of a file by name and direction. */
export function fileCard(page: TestPage, name: string, direction: "in" | "out", state?: string) {
  return page.find("file-card", {
    attrs: { "data-direction": direction, ...(state ? { "data-state": state } : {}) },
    hasText: name,
  });
}

/**
 * Accepts the offer of `name` (waits for it first: the sender hashes the whole file before it
 * offers it, about 2 s per 256 MiB on an idle core, so the wait is long enough for a busy one).
 */
export async function accept(page: TestPage, name: string): Promise<string> {
  const card = fileCard(page, name, "in", "offered");
  await card.waitFor({ timeout: 180_000 });
  const id = (await card.attribute("data-id"))!;
  await page.evaluate((id) => {
    const card = document.querySelector(`[data-testid="file-card"][data-id="${id}"]`)!;
    (card.querySelector('[data-testid="file-accept"]') as HTMLButtonElement).click();
  }, id);
  return id;
}

/** Clicks a button of the card of file `id` (`file-cancel`, `file-decline`, …). */
export async function clickInCard(page: TestPage, id: string, testId: string): Promise<void> {
  await page.evaluate(([id, testId]) => {
    const card = document.querySelector(`[data-testid="file-card"][data-id="${id}"]`)!;
    (card.querySelector(`[data-testid="${testId}"]`) as HTMLButtonElement).click();
  }, [id, testId] as const);
}

/** Bytes a file card's first peer row reports. */
export async function bytesOf(page: TestPage, id: string): Promise<number> {
  return await page.evaluate((id) => {
    const row = document.querySelector(
      `[data-testid="file-card"][data-id="${id}"] [data-testid="file-peer"]`,
    );
    return Number(row?.getAttribute("data-bytes") ?? 0);
  }, id);
}

/** Whether the page's writer worker wrote file `id` in place (the card's `data-in-place`). */
export async function writtenInPlace(page: TestPage, id: string): Promise<boolean> {
  return await page.evaluate(
    (id) =>
      document.querySelector(`[data-testid="file-card"][data-id="${id}"]`)
        ?.getAttribute("data-in-place") === "true",
    id,
  );
}

/** Runs in the page before its scripts: no `Worker`, as where the writer worker cannot run. */
export const NO_WORKERS = "delete globalThis.Worker;";

/**
 * The SHA-256 of the file `id` as the page stored it (the origin's private file system), or
 * null when the page holds no such file (discarded or never written).
 */
export async function storedSha256(page: TestPage, id: string): Promise<string | null> {
  return await page.evaluate(async (id) => {
    const root = await navigator.storage.getDirectory();
    let incoming: FileSystemDirectoryHandle;
    try {
      incoming = await root.getDirectoryHandle("mesh3-incoming");
    } catch {
      return null;
    }
    // deno-lint-ignore no-explicit-any
    for await (const [, tab] of (incoming as any).entries()) {
      try {
        const file = await (await tab.getFileHandle(id)).getFile();
        const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
        return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
      } catch {
        continue;
      }
    }
    return null;
  }, id);
}

/** Names of every file the page keeps in its private storage for received files. */
export async function storedFiles(page: TestPage): Promise<string[]> {
  return await page.evaluate(async () => {
    const names: string[] = [];
    const root = await navigator.storage.getDirectory();
    try {
      const incoming = await root.getDirectoryHandle("mesh3-incoming");
      // deno-lint-ignore no-explicit-any
      for await (const [, tab] of (incoming as any).entries()) {
        for await (const name of tab.keys()) names.push(name);
      }
    } catch {
      // No folder: nothing stored.
    }
    return names;
  }, null);
}

/**
 * Runs in the page before its scripts: keeps every RTCPeerConnection in `__pcs` (so a test can
 * break one), and flips one bit of the n-th large message sent on the file channel after
 * `__tamperFrame = n` is set (tampering in transit, after sealing; see {@linkcode tamperWith}).
 */
export function fileTestHooks(): string {
  return `(() => {
    const Orig = globalThis.RTCPeerConnection;
    if (!Orig) return;
    globalThis.__pcs = [];
    globalThis.RTCPeerConnection = class extends Orig {
      constructor(c) { super(c); globalThis.__pcs.push(this); }
    };
    let large = 0;
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) {
      const nth = globalThis.__tamperFrame ?? 0;
      if (nth && this.label === "mesh3-files" && data.byteLength > 32768 && ++large === nth) {
        const bytes = new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength);
        bytes[bytes.length - 100] ^= 1;
      }
      return send.call(this, data);
    };
  })();`;
}

/** From now on the page flips a bit in its `n`-th large file frame (pages with the hooks). */
export async function tamperWith(page: TestPage, n: number): Promise<void> {
  await page.evaluate((n) => {
    (globalThis as unknown as { __tamperFrame: number }).__tamperFrame = n;
  }, n);
}
