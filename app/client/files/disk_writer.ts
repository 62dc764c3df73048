/**
 * The page's side of the received-file writer (app/browser/file_writer.ts): one dedicated worker
 * per page, started at the first file, that writes files in the origin's private file system
 * through synchronous access handles. Batches of chunks are transferred to it, not copied, and
 * it transfers each back once written: the page joins the next batches into those buffers
 * ({@linkcode DiskWriter.take}), so a long transfer reuses a few buffers instead of leaving one
 * per MiB to the worker's garbage collector. When
 * the worker cannot start or cannot open a file that way, {@linkcode DiskWriter.open} says so
 * and the caller writes through `createWritable` instead (browser_storage.ts).
 * @module
 */
import { FILE_WRITER_URL, type WriterReply, type WriterRequest } from "../../shared/file_writer.ts";
import { WRITE_BATCH_BYTES } from "./write_batch.ts";

/** An error the writer reported, by its DOMException name. */
export class WriterError extends Error {
  constructor(override readonly name: string, message: string) {
    super(message);
  }
}

type Op = Exclude<WriterRequest["op"], "open" | "write">;

/** One file open in the writer (the shape of a `createWritable` stream, and a buffer maker). */
export interface WriterFile {
  /** Appends `bytes`; the page must not use them after (their buffer is transferred). */
  write(bytes: Uint8Array): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
  /** Closes the file without flushing (best effort; never throws). */
  abort(): Promise<void>;
  /** A buffer to join the next batch into ({@linkcode DiskWriter.take}). */
  take(size: number): Uint8Array;
}

/**
 * The page's writer worker, started on first use.
 *
 * @example
 * ```ts ignore
 * const writer = new DiskWriter();
 * const file = await writer.open(["mesh3-incoming", tab, id]); // null: use createWritable
 * await file?.write(bytes);
 * await file?.close();
 * ```
 */
export class DiskWriter {
  #worker: Worker | null = null;
  #broken = false;
  #nextRequest = 1;
  #nextFile = 1;
  #waiting = new Map<number, { resolve(): void; reject(e: Error): void }>();
  /** Buffers the writer gave back, for {@link take}. */
  #spare: ArrayBuffer[] = [];
  /** Buffers that are ours to transfer whole (made or given back here). */
  #ours = new WeakSet<ArrayBufferLike>();

  /** @param url The writer's script. */
  constructor(readonly url: string = FILE_WRITER_URL) {}

  /**
   * Opens (creates or empties) the private file at `path` in the writer.
   *
   * @returns The open file, or null when this page cannot write that way (no worker, no
   *   synchronous access handles): the caller uses another way.
   */
  async open(path: string[]): Promise<WriterFile | null> {
    if (this.#broken) return null;
    const file = this.#nextFile++;
    try {
      await this.#call({ op: "open", path, request: 0, file });
    } catch {
      this.#broken = true; // Not tried again: every later file goes the other way at once.
      return null;
    }
    return {
      write: (bytes) => {
        const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        const own = whole || this.#ours.has(bytes.buffer) ? bytes : bytes.slice();
        return this.#call({ op: "write", bytes: own, request: 0, file }, [own.buffer]);
      },
      close: () => this.#end("finish", file),
      abort: () => this.#end("abort", file).catch(() => {}),
      take: (size) => this.take(size),
    };
  }

  /**
   * A buffer of `size` bytes to join a batch into: one the writer gave back when one is large
   * enough, else a new one. Writing it transfers its whole buffer.
   */
  take(size: number): Uint8Array {
    const i = this.#spare.findIndex((b) => b.byteLength >= size);
    const buffer = i >= 0 ? this.#spare.splice(i, 1)[0] : new ArrayBuffer(size);
    this.#ours.add(buffer);
    return new Uint8Array(buffer, 0, size);
  }

  #end(op: Op, file: number): Promise<void> {
    return this.#call({ op, request: 0, file });
  }

  #call(m: WriterRequest, transfer: Transferable[] = []): Promise<void> {
    const worker = this.#start();
    if (!worker) return Promise.reject(new WriterError("NotSupportedError", "No writer worker"));
    const request = this.#nextRequest++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(request, { resolve, reject });
      worker.postMessage({ ...m, request }, transfer);
    });
  }

  #start(): Worker | null {
    if (this.#worker || this.#broken) return this.#worker;
    try {
      this.#worker = new Worker(this.url, { name: "mesh3-file-writer" });
    } catch {
      this.#broken = true;
      return null;
    }
    this.#worker.addEventListener("message", (e: MessageEvent<WriterReply>) => {
      const r = e.data;
      const back = r.ok ? r.bytes?.buffer : undefined;
      if (back && back.byteLength >= WRITE_BATCH_BYTES && this.#spare.length < 4) {
        this.#spare.push(back as ArrayBuffer);
      }
      const waiting = this.#waiting.get(r.request);
      this.#waiting.delete(r.request);
      if (r.ok) waiting?.resolve();
      else waiting?.reject(new WriterError(r.name, r.message));
    });
    // The script did not load or the worker died: what waits fails, and nothing more is sent.
    this.#worker.addEventListener("error", (e) => {
      e.preventDefault();
      this.#broken = true;
      this.#worker?.terminate();
      this.#worker = null;
      const error = new WriterError("AbortError", "The file writer stopped");
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
    });
    return this.#worker;
  }
}
