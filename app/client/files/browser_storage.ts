/**
 * Received files on disk, in every current browser, never whole in memory:
 *
 * - **Save as…** (Chromium-based browsers: File System Access API `showSaveFilePicker`): the
 *   person picks a file before the first byte; chunks are written to it as they arrive (Chromium
 *   writes to a `.crswap` file beside it and moves it into place on close). If the hash does not
 *   match, the write is aborted: the chosen file never gets the bytes (an empty file may remain).
 * - **Accept** (Chromium, Firefox, Safari): the origin's private file system (OPFS), one folder
 *   per tab, written in place by the page's writer worker through synchronous access handles
 *   (disk_writer.ts); where that worker cannot run, through `createWritable` (a swap file, and a
 *   copy to the browser process per write). Once the hash
 *   matches, "Save" downloads the disk-backed file through a `blob:` URL; nothing else can reach
 *   it. The tab's folder is deleted when the page goes away, and a page that opens later deletes
 *   the folders of tabs that are gone (a crashed one): each tab holds a Web Lock named after its
 *   folder while it lives.
 * - Without OPFS writes, files are kept in memory up to 256 MiB (file_storage.ts).
 * @module
 */
import {
  type FileSink,
  type FileStorage,
  memoryFileStorage,
  type SinkKind,
  StorageFullError,
} from "./file_storage.ts";
import { DiskWriter, type WriterFile } from "./disk_writer.ts";
import { batchWrites, WRITE_BATCH_BYTES } from "./write_batch.ts";

/** The OPFS folder all tabs' incoming files live under. */
export const INCOMING_FOLDER = "mesh3-incoming";
const LOCK_PREFIX = "mesh3-files-";

interface Writable {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}
interface FileHandle {
  createWritable(): Promise<Writable>;
  getFile(): Promise<File>;
  remove?(): Promise<void>;
}
interface Directory {
  getDirectoryHandle(name: string, o?: { create?: boolean }): Promise<Directory>;
  getFileHandle(name: string, o?: { create?: boolean }): Promise<FileHandle>;
  removeEntry(name: string, o?: { recursive?: boolean }): Promise<void>;
  keys(): AsyncIterable<string>;
}
type SavePicker = (o: { suggestedName: string }) => Promise<FileHandle>;

/**
 * The browser's storage for received files (see the module comment for what each browser does).
 *
 * @returns Disk storage where the browser has OPFS writes, else memory storage.
 *
 * @example
 * ```ts ignore
 * const files = new FileTransfers({ maxBytes, storage: browserFileStorage() });
 * ```
 */
export function browserFileStorage(): FileStorage {
  const g = globalThis as unknown as {
    showSaveFilePicker?: SavePicker;
    FileSystemFileHandle?: { prototype: object };
  };
  // Looked up when used: the page's own (or, in tests, a stand-in for the person's choice).
  const picker = () => typeof g.showSaveFilePicker === "function" ? g.showSaveFilePicker : null;
  const getDirectory = globalThis.navigator?.storage?.getDirectory;
  const writable = !!g.FileSystemFileHandle && "createWritable" in g.FileSystemFileHandle.prototype;
  if (!getDirectory || !writable) return memoryFileStorage();
  const tab = crypto.randomUUID();
  const locks = globalThis.navigator.locks;
  void locks?.request(LOCK_PREFIX + tab, () => new Promise<void>(() => {})).catch(() => {});
  const incoming = (async () => {
    const root = await navigator.storage.getDirectory() as unknown as Directory;
    const folder = await root.getDirectoryHandle(INCOMING_FOLDER, { create: true });
    await sweep(folder, locks).catch(() => {});
    return folder;
  })();
  const mine = incoming.then((f) => f.getDirectoryHandle(tab, { create: true }));
  const writer = new DiskWriter();
  return {
    get canSaveAs() {
      return picker() !== null;
    },
    maxBytes: Number.MAX_SAFE_INTEGER,
    async open(request) {
      let handle: FileHandle;
      let kind: SinkKind = "private-disk";
      const choose = picker();
      if (request.saveAs && choose) {
        try {
          handle = await choose({ suggestedName: request.name });
        } catch {
          throw new Error("Cannot save the file: no place to save it was chosen");
        }
        kind = "chosen-file";
      } else {
        handle = await (await mine).getFileHandle(request.id, { create: true });
      }
      const remove = () =>
        kind === "chosen-file" ? handle.remove?.() : mine.then((d) => d.removeEntry(request.id));
      const inPlace = kind === "private-disk"
        ? await writer.open([INCOMING_FOLDER, tab, request.id])
        : null;
      return diskSink(kind, handle, inPlace ?? await handle.createWritable(), remove);
    },
    dispose() {
      void incoming.then((f) => f.removeEntry(tab, { recursive: true })).catch(() => {});
    },
  };
}

function diskSink(
  kind: SinkKind,
  handle: FileHandle,
  w: Writable | WriterFile,
  remove: () => Promise<void> | undefined,
): FileSink {
  const inPlace = "take" in w;
  // Chunks are written 1 MiB at a time (write_batch.ts); the batch is part of this sink, which
  // lives as long as the tab, so a resumed transfer continues after it.
  const batched = batchWrites(
    async (bytes) => {
      try {
        await w.write(bytes);
      } catch (e) {
        // A DOMException from the stream, a WriterError from the writer worker: the same name.
        if (e instanceof Error && e.name === "QuotaExceededError") {
          throw new StorageFullError(
            "Cannot save the file: there is not enough storage space for it",
          );
        }
        throw new Error("Cannot save the file: writing to disk failed");
      }
    },
    WRITE_BATCH_BYTES,
    inPlace ? w.take : undefined,
  );
  return {
    kind,
    inPlace,
    write: (bytes) => batched.write(bytes),
    async finish() {
      await batched.flush();
      await w.close();
      return await handle.getFile();
    },
    async discard() {
      batched.drop();
      await w.abort().catch(() => {});
      await Promise.resolve(remove()).catch(() => {});
    },
  };
}

/** Deletes the folders of tabs that no longer hold their lock (closed or crashed). */
async function sweep(folder: Directory, locks: LockManager | undefined): Promise<void> {
  if (!locks) return;
  const held = new Set((await locks.query()).held?.map((l) => l.name));
  const gone: string[] = [];
  for await (const name of folder.keys()) {
    if (!held.has(LOCK_PREFIX + name)) gone.push(name);
  }
  for (const name of gone) await folder.removeEntry(name, { recursive: true }).catch(() => {});
}
