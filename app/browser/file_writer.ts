/**
 * The received-file writer (served as `/file-writer.js`, a dedicated worker the page starts when
 * it accepts its first file): writes each file into the origin's private file system through a
 * synchronous access handle, in place and in the worker's own thread. The page's other way,
 * `createWritable`, copies every write into a Blob, sends it to the browser process and writes a
 * swap file there; that cost about 0.011 s of CPU per MiB received (bench/README.md, benchmark 7,
 * "writing to disk"), this way is a `write` on an open file. Requests are handled one at a time,
 * in the order they came, and each is answered (`ok`, or the error's name and message). Runs in a
 * dedicated worker's global scope only.
 * @module
 */
import type { WriterReply, WriterRequest } from "../shared/file_writer.ts";

/** What is used of a synchronous access handle (no webworker lib in the project). */
interface SyncHandle {
  write(bytes: Uint8Array, o: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
interface Dir {
  getDirectoryHandle(name: string): Promise<Dir>;
  getFileHandle(
    name: string,
    o: { create: boolean },
  ): Promise<{ createSyncAccessHandle?(): Promise<SyncHandle> }>;
}

const reply = (r: WriterReply, transfer: Transferable[] = []) =>
  (globalThis as unknown as { postMessage(r: WriterReply, t: Transferable[]): void })
    .postMessage(r, transfer);
const open = new Map<number, { handle: SyncHandle; at: number }>();
let queue: Promise<void> = Promise.resolve();

async function run(m: WriterRequest): Promise<void> {
  if (m.op === "open") {
    let dir = await navigator.storage.getDirectory() as unknown as Dir;
    for (const name of m.path.slice(0, -1)) dir = await dir.getDirectoryHandle(name);
    const file = await dir.getFileHandle(m.path[m.path.length - 1], { create: true });
    if (!file.createSyncAccessHandle) {
      throw new DOMException("No synchronous access handles here", "NotSupportedError");
    }
    const handle = await file.createSyncAccessHandle();
    handle.truncate(0);
    open.set(m.file, { handle, at: 0 });
    return;
  }
  const f = open.get(m.file);
  if (!f) throw new DOMException("That file is not open", "InvalidStateError");
  if (m.op === "write") {
    const written = f.handle.write(m.bytes, { at: f.at });
    f.at += written;
    if (written !== m.bytes.length) {
      throw new DOMException("The disk took only part of the write", "QuotaExceededError");
    }
    return;
  }
  open.delete(m.file);
  if (m.op === "finish") f.handle.flush();
  f.handle.close();
}

addEventListener("message", (e) => {
  const m = (e as MessageEvent<WriterRequest>).data;
  queue = queue.then(() => run(m)).then(
    () =>
      m.op === "write"
        ? reply({ request: m.request, ok: true, bytes: m.bytes }, [m.bytes.buffer])
        : reply({ request: m.request, ok: true }),
    (err) => {
      // DOMException is an Error in every engine with synchronous access handles.
      const [name, message] = err instanceof Error
        ? [err.name, err.message]
        : ["Error", String(err)];
      reply({ request: m.request, ok: false, name, message });
    },
  );
});
