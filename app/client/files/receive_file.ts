/**
 * The receiving side of file transfers: an offer becomes an item; accepting opens a sink (disk
 * where the browser allows, file_storage.ts); each chunk must be the next one at its exact size;
 * its SHA-256 starts at once (WebCrypto: native, though on the page's main thread) and it is
 * written in order, its digest kept once written (32 bytes a chunk, which is what a resume
 * continues from); about every {@link ACK_BYTES} (and at the end) the sender hears how far the file
 * is written. At the end the root of the digests' hash tree (app/core/file_tree.ts) must equal the
 * offer's, or the partial file is discarded and the sender told: a file is never shown complete
 * unless its root matched.
 * @module
 */
import type { Address } from "viem";
import type { CancelReason, FileMessage } from "../../core/file_message.ts";
import { chunkDigest, fileTreeRoot } from "../../core/file_tree.ts";
import { isPreviewable, saveName } from "./file_names.ts";
import { type FileStorage, StorageFullError } from "./file_storage.ts";
import { type Copy, type Item, newCopy } from "./transfer_record.ts";
import { chunkCount, isFinished } from "./transfer_types.ts";

/** Chunk writes queued before the file channel waits for them. */
const MAX_PENDING_WRITES = 4;

/** Bytes written between two acknowledgements. */
export const ACK_BYTES = 1024 * 1024;

/** What the receiver needs from `FileTransfers`. */
export interface FileReceiverOptions {
  storage: FileStorage;
  /** Sends a control message to a peer on its current link (dropped when there is none). */
  send(peer: Address, message: FileMessage): void;
  /** Something changed (`now`: publish at once rather than with the next progress). */
  changed(now?: boolean): void;
}

/**
 * Incoming files' logic, kept apart from the link and sending logic of `FileTransfers`.
 *
 * @example
 * ```ts ignore
 * const receiver = new FileReceiver({ storage, send, changed });
 * items.push(receiver.offered(peer, offer, displayName(offer.name)));
 * ```
 */
export class FileReceiver {
  constructor(readonly o: FileReceiverOptions) {}

  /** An item for a peer's offer, waiting for the person's answer. */
  offered(peer: Address, m: Extract<FileMessage, { type: "offer" }>, name: string): Item {
    const item: Item = {
      id: m.id,
      direction: "in",
      name,
      size: m.size,
      mime: m.mime,
      at: Date.now(),
      from: peer,
      root: m.root,
      chunkSize: m.chunkSize,
      hashed: 1,
      file: null,
      preview: null,
      sink: null,
      inPlace: false,
      copies: [],
    };
    item.copies = [newCopy(item, peer, "offered")];
    return item;
  }

  /**
   * Opens the sink and accepts (or, with no link now, accepts when the link is back).
   *
   * @param copy The offered copy.
   * @param saveAs Ask the person where to save it.
   * @param linked Whether the sender's link is up now.
   */
  async accept(copy: Copy, saveAs: boolean, linked: boolean): Promise<void> {
    const { item } = copy;
    try {
      const request = { id: item.id, name: saveName(item.name), size: item.size, mime: item.mime };
      copy.sink = await this.o.storage.open({ ...request, saveAs });
    } catch (e) {
      copy.problem = e instanceof Error ? e.message : "Cannot save the file";
      return this.o.changed(true);
    }
    if (copy.state !== "offered") return void copy.sink.discard(); // Cancelled meanwhile.
    item.sink = copy.sink.kind;
    item.inPlace = copy.sink.inPlace === true;
    copy.leaves = [];
    copy.accepted = true;
    copy.problem = null;
    copy.state = linked ? "active" : "paused";
    this.o.send(copy.peer, { type: "accept", id: item.id });
    if (item.size === 0) await this.#verify(copy);
    this.o.changed(true);
  }

  /**
   * Handles chunk `index` of a file from its sender (awaited: the next chunk waits).
   *
   * @param copy Our copy of that file (undefined: unknown, ignored).
   */
  chunk(copy: Copy | undefined, index: number, bytes: Uint8Array): Promise<void> | void {
    if (!copy || copy.state !== "active" || !copy.sink || !copy.leaves) return;
    const { item } = copy;
    const count = chunkCount(item.size, item.chunkSize);
    const size = index === count - 1 ? item.size - index * item.chunkSize : item.chunkSize;
    if (index !== copy.handled || bytes.length !== size) {
      return this.#fail(copy, "failed", "The sender sent a chunk out of order or of a wrong size");
    }
    const leaf = chunkDigest(bytes); // WebCrypto copies the bytes when the call starts.
    leaf.catch(() => {}); // Seen by #write.
    copy.handled++;
    // Writes queue up in order while the next frames are opened; the channel waits only when
    // a few are pending (the sender's window bounds them anyway).
    const written = copy.writing.then(() => this.#write(copy, bytes, leaf, count));
    copy.writing = written;
    if (copy.handled - copy.next > MAX_PENDING_WRITES) return written;
  }

  /** Drops a copy's partial or finished file (it ended without success). */
  drop(copy: Copy): void {
    if (copy.item.direction !== "in" || copy.state === "done") return;
    void copy.sink?.discard();
    copy.sink = null;
    copy.leaves = null;
  }

  /** A `blob:` URL when the file is an image that may be shown inline, else null. */
  async previewOf(file: Blob, mime: string, size: number): Promise<string | null> {
    const head = new Uint8Array(
      await file.slice(0, 16).arrayBuffer().catch(() => new ArrayBuffer(0)),
    );
    return isPreviewable(mime, size, head) ? URL.createObjectURL(file) : null;
  }

  async #write(
    copy: Copy,
    bytes: Uint8Array,
    leaf: Promise<Uint8Array>,
    count: number,
  ): Promise<void> {
    if (isFinished(copy.state) || !copy.sink) return;
    let digest: Uint8Array;
    try {
      await copy.sink!.write(bytes);
      digest = await leaf;
    } catch (e) {
      const reason = e instanceof StorageFullError ? "no-space" : "failed";
      return this.#fail(copy, reason, e instanceof Error ? e.message : "Cannot save the file");
    }
    if (isFinished(copy.state) || !copy.leaves) return;
    copy.leaves[copy.next] = digest;
    copy.next++;
    copy.bytes = Math.min(copy.item.size, copy.next * copy.item.chunkSize);
    copy.meter.add(copy.bytes);
    const every = Math.max(1, Math.floor(ACK_BYTES / copy.item.chunkSize));
    if (copy.next % every === 0 || copy.next === count) {
      this.o.send(copy.peer, { type: "ack", id: copy.item.id, next: copy.next });
    }
    if (copy.next === count) await this.#verify(copy);
    this.o.changed(copy.next === count);
  }

  async #verify(copy: Copy): Promise<void> {
    const { item } = copy;
    const root = await fileTreeRoot(copy.leaves!, item.size, item.chunkSize).catch(() => null);
    if (isFinished(copy.state)) return;
    if (root !== item.root) {
      return this.#fail(
        copy,
        "hash-mismatch",
        "The received file does not match the SHA-256 tree its sender announced: it was discarded",
      );
    }
    let file: Blob;
    try {
      file = await copy.sink!.finish();
    } catch {
      return this.#fail(copy, "failed", "Cannot save the file: finishing it on disk failed");
    }
    item.file = file;
    item.preview = await this.previewOf(file, item.mime, item.size);
    copy.state = "done";
    copy.bytes = item.size;
    this.o.send(copy.peer, { type: "done", id: item.id });
  }

  #fail(copy: Copy, reason: CancelReason, problem: string): void {
    this.drop(copy);
    Object.assign(copy, { state: "failed", problem });
    this.o.send(copy.peer, { type: "cancel", id: copy.item.id, reason });
    this.o.changed(true);
  }
}
