/**
 * Where received files go, as chunks arrive: a sink per accepted file, written in order, then
 * either finished (the hash matched: the file is handed out) or discarded (it did not, or the
 * transfer was cancelled). In a browser `browserFileStorage()` writes to disk
 * (browser_storage.ts); `memoryFileStorage()` keeps the bytes in memory, for browsers with no
 * writable storage (capped) and for tests.
 * @module
 */

/** Where a sink keeps the bytes: a file the person chose, the origin's private disk, or memory. */
export type SinkKind = "chosen-file" | "private-disk" | "memory";

/** One file being received. */
export interface FileSink {
  readonly kind: SinkKind;
  /** Written in place by the page's writer worker (disk_writer.ts). */
  readonly inPlace?: boolean;
  /** Appends bytes (calls are awaited one at a time). */
  write(bytes: Uint8Array): Promise<void>;
  /** Ends writing: the complete file (on disk for disk sinks). */
  finish(): Promise<Blob>;
  /** Drops what was written (best effort; never throws). */
  discard(): Promise<void>;
}

/** What to open a sink for. */
export interface SinkRequest {
  id: string;
  /** The (save-safe) name. */
  name: string;
  size: number;
  mime: string;
  /** Ask the person where to save it (a file picker; needs the click's user activation). */
  saveAs: boolean;
}

/** Makes sinks. */
export interface FileStorage {
  /** True when `saveAs` can ask the person for a place (File System Access API). */
  readonly canSaveAs: boolean;
  /** Largest file it can take (memory storage is capped; disk is not). */
  readonly maxBytes: number;
  /** Opens a sink, or throws an Error whose message says why in one sentence. */
  open(request: SinkRequest): Promise<FileSink>;
  /** Drops every file it still holds (the page is leaving). */
  dispose(): void;
}

/** A sink's write failed because the storage is full (its message says so to the person). */
export class StorageFullError extends Error {
  override name = "StorageFullError";
}

/** Files kept in memory at most (a browser without writable storage). */
export const MEMORY_STORAGE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * Storage in memory: the parts of each file in an array, joined into a Blob at the end.
 *
 * @param maxBytes The cap on one file.
 * @returns The storage.
 *
 * @example
 * ```ts
 * import { memoryFileStorage } from "./file_storage.ts";
 * const storage = memoryFileStorage();
 * const sink = await storage.open({ id: "1", name: "a.txt", size: 3, mime: "", saveAs: false });
 * await sink.write(new Uint8Array([1, 2, 3]));
 * (await sink.finish()).size; // 3
 * ```
 */
export function memoryFileStorage(maxBytes = MEMORY_STORAGE_MAX_BYTES): FileStorage {
  return {
    canSaveAs: false,
    maxBytes,
    open(request) {
      if (request.size > maxBytes) {
        return Promise.reject(new Error("Cannot keep the file: it is larger than memory allows"));
      }
      let parts: Uint8Array[] | null = [];
      return Promise.resolve({
        kind: "memory",
        write(bytes) {
          parts?.push(bytes);
          return Promise.resolve();
        },
        finish() {
          const blob = new Blob(parts as BlobPart[], { type: request.mime });
          parts = null;
          return Promise.resolve(blob);
        },
        discard() {
          parts = null;
          return Promise.resolve();
        },
      });
    },
    dispose() {},
  };
}
