/**
 * Files in a room: the engine's file transfer, a link extension (`extension`) that rides on every
 * verified peer link with a channel and keys of its own (file_link.ts).
 *
 * A file is hashed (the root of a SHA-256 tree over its chunks, file_hash.ts, a chunk at a time),
 * offered to each recipient (name, size, type, root, chunk size), and sent in chunks once
 * accepted; the receiver digests and writes each chunk as it arrives (never holding the file),
 * acknowledges what it wrote, and checks the root at the end: a mismatch discards the file, never
 * shows it complete. Either side may cancel.
 * When a connection is lost, transfers pause; on the next connection to the same peer (an ICE
 * restart keeps the channel; a new link gets new keys) both sides `sync` and the sender continues
 * from the receiver's last acknowledged chunk, into the same partial file (with the digests of the
 * chunks written).
 * @module
 */
import type { Address } from "viem";
import type { FileMessage } from "../../core/file_message.ts";
import { CHUNK_OVERHEAD, MAX_FILE_FRAME_LENGTH } from "../../core/file_frame.ts";
import type { AttachedLink, LinkExtension } from "../link_extension.ts";
import { Store } from "../store.ts";
import { chunkSizeFor, FileLink } from "./file_link.ts";
import { displayName } from "./file_names.ts";
import type { FileStorage } from "./file_storage.ts";
import { formatBytes } from "./format.ts";
import { hashFile } from "./file_hash.ts";
import { FileReceiver } from "./receive_file.ts";
import { PeerSender } from "./peer_sender.ts";
import { type Copy, type Item, newCopy, snapshot } from "./transfer_record.ts";
import { CANCELLED, DECLINED, type FileItem, isFinished } from "./transfer_types.ts";

/** Options of {@linkcode FileTransfers}. */
export interface FileTransfersOptions {
  /** Our address (the sender of our files). */
  self: Address;
  /** Largest file sent or accepted (the server's `MESH3_FILE_MAX_BYTES`). */
  maxBytes: number;
  /** Where received files go (`browserFileStorage()` in a page). */
  storage: FileStorage;
  /** How often progress is published while bytes move (default {@link PROGRESS_MS}). */
  progressMs?: number;
}

const LABEL = "files";

/**
 * The room's file transfers.
 *
 * @example
 * ```ts ignore
 * const files = new FileTransfers({ self, maxBytes, storage: browserFileStorage() });
 * const session = new RoomSession({ ..., extensions: [files.extension] });
 * files.send([file]);                        // to everyone connected
 * files.items.subscribe((items) => render(items));
 * ```
 */
export class FileTransfers {
  /** Every file sent or offered in this session, oldest first. */
  readonly items = new Store<readonly FileItem[]>([]);
  /** Peers a file can be sent to now (their file channel is up), lower case. */
  readonly peers = new Store<readonly Address[]>([]);
  /** What the room session rides on its links. */
  readonly extension: LinkExtension = { label: LABEL, attach: (l) => this.#attach(l) };
  readonly #o: FileTransfersOptions;
  readonly #receiver: FileReceiver;
  #items: Item[] = [];
  #peers = new Map<Address, PeerSender>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #hashing: Promise<unknown> = Promise.resolve();

  constructor(o: FileTransfersOptions) {
    this.#o = o;
    this.#receiver = new FileReceiver({
      storage: o.storage,
      send: (peer, m) => this.#send(peer, m),
      changed: (now) => this.#changed(now),
    });
  }

  /** Whether "Save as…" (choose where, before the first byte) is available here. */
  get canSaveAs(): boolean {
    return this.#o.storage.canSaveAs;
  }

  /**
   * Offers files to peers: each is hashed, then offered; it is sent once a peer accepts.
   *
   * @param files The files (a pasted image is a Blob: it is named "pasted image").
   * @param to The recipients (default: every peer connected now).
   * @throws {Error} "Cannot send: …" when no one is connected.
   */
  send(files: readonly Blob[], to: readonly Address[] = this.peers.value): void {
    const peers = [...new Set(to.map(lower))];
    if (peers.length === 0) throw new Error("Cannot send: no one is connected to receive it");
    for (const file of files) {
      const name = file instanceof File && file.name ? file.name : "pasted image";
      const item: Item = {
        id: randomId(),
        direction: "out",
        name: name.slice(0, 255).toWellFormed(),
        size: file.size,
        mime: /^[\x21-\x7e]{0,127}$/.test(file.type) ? file.type : "",
        at: Date.now(),
        from: lower(this.#o.self),
        root: null,
        chunkSize: 0,
        hashed: 0,
        file,
        preview: null,
        sink: null,
        inPlace: false,
        copies: [],
      };
      item.copies = peers.map((peer) => newCopy(item, peer, "hashing"));
      this.#items.push(item);
      if (file.size > this.#o.maxBytes) {
        const why = `Cannot send it: larger than this room's ${
          formatBytes(this.#o.maxBytes)
        } limit`;
        for (const c of item.copies) Object.assign(c, { state: "failed", problem: why });
      } else {
        this.#hashing = this.#hashing.then(() => this.#prepare(item));
      }
    }
    this.#changed(true);
  }

  /**
   * Accepts a file offered to us.
   *
   * @param id The file's id.
   * @param from Its sender.
   * @param saveAs Ask where to save it first (call from the click: it needs user activation).
   */
  async accept(id: string, from: Address, saveAs = false): Promise<void> {
    const copy = this.#copy(id, from, "in");
    if (copy?.state !== "offered") return;
    await this.#receiver.accept(copy, saveAs, !!this.#peers.get(copy.peer)?.link);
  }

  /** Declines a file offered to us. */
  decline(id: string, from: Address): void {
    const copy = this.#copy(id, from, "in");
    if (copy?.state !== "offered") return;
    Object.assign(copy, { state: "declined", by: "you" });
    this.#send(copy.peer, { type: "decline", id, reason: "declined" });
    this.#changed(true);
  }

  /**
   * Cancels a file: ours to one peer (or to all), or theirs. Both sides stop and drop it.
   *
   * @param id The file's id.
   * @param peer One peer only (default: every peer of the file).
   */
  cancel(id: string, peer?: Address): void {
    const item = this.#items.find((i) => i.id === id);
    for (const copy of item?.copies ?? []) {
      if (isFinished(copy.state) || (peer && copy.peer !== lower(peer))) continue;
      this.#end(copy, "cancelled", "Cancelled", "you");
      this.#send(copy.peer, { type: "cancel", id, reason: "cancelled" });
    }
  }

  /** Stops everything: cancels open transfers, drops received files and previews. */
  dispose(): void {
    for (const item of this.#items) {
      for (const c of item.copies) if (!isFinished(c.state)) this.#end(c, "cancelled", null, "you");
      if (item.preview) URL.revokeObjectURL(item.preview);
    }
    for (const p of this.#peers.values()) p.link?.close();
    this.#o.storage.dispose();
    clearTimeout(this.#timer);
  }

  async #prepare(item: Item): Promise<void> {
    if (item.copies.every((c) => isFinished(c.state))) return;
    // The root is for one chunk size: the largest every recipient's connection carries now.
    item.chunkSize = Math.min(
      chunkSizeFor(MAX_FILE_FRAME_LENGTH),
      ...item.copies.map((c) => this.#peers.get(c.peer)?.link?.chunkSize ?? Infinity),
    );
    for (const c of item.copies) c.chunkSize = item.chunkSize;
    try {
      item.root = await hashFile(item.file!, item.chunkSize, (f) => {
        item.hashed = f;
        this.#changed();
      });
    } catch {
      for (const c of item.copies) this.#end(c, "failed", "Cannot read the file to send it");
      return;
    }
    item.hashed = 1;
    item.preview = await this.#receiver.previewOf(item.file!, item.mime, item.size);
    for (const copy of item.copies) {
      if (copy.state !== "hashing") continue;
      const link = this.#peers.get(copy.peer)?.link;
      if (link) this.#peers.get(copy.peer)!.offer(copy, link);
      else copy.state = "paused";
    }
    this.#changed(true);
  }

  #attach(attached: AttachedLink): void {
    const peer = lower(attached.peer);
    const p = this.#sender(peer);
    p.link?.close(); // The old link's transfers pause now.
    const link: FileLink = new FileLink(attached, {
      control: (m) => this.#control(peer, link, m),
      chunk: (id, index, bytes) => this.#receiver.chunk(this.#copy(id, peer, "in"), index, bytes),
      closed: (problem) => this.#closed(peer, link, problem),
      refused: (problem) => this.#refused(peer, problem),
    });
    // The receiver's count of written chunks is final only once the old link's last chunk is
    // written: then `sync` is this link's first message, and the peer's messages follow it.
    void (async () => {
      await Promise.all(this.#copies(peer).map((c) => c.writing));
      if (!link.open) return;
      // Chunks the old link delivered but that were not written come again.
      for (const c of this.#copies(peer)) c.handled = c.next;
      const mine = this.#copies(peer).filter((c) => !isFinished(c.state));
      this.#send(peer, {
        type: "sync",
        sending: mine.filter((c) => c.item.direction === "out" && c.state !== "hashing")
          .map((c) => c.item.id),
        receiving: mine.filter((c) => c.item.direction === "in")
          .map((c) => ({ id: c.item.id, next: c.accepted ? c.next : null })),
      }, link);
      p.link = link;
      link.start();
      this.#publishPeers();
    })();
  }

  #control(peer: Address, link: FileLink, m: FileMessage): void {
    if (m.type === "sync") return this.#sync(peer, link, m);
    if (m.type === "offer") {
      if (this.#copy(m.id, peer, "in")) return; // Offered again after a sync: already here.
      const item = this.#receiver.offered(peer, m, displayName(m.name));
      this.#items.push(item);
      const limit = Math.min(this.#o.maxBytes, this.#o.storage.maxBytes);
      if (m.size > limit) {
        this.#end(
          item.copies[0],
          "declined",
          `Too large: over the ${formatBytes(limit)} limit`,
          "you",
        );
        this.#send(peer, { type: "decline", id: m.id, reason: "too-large" });
      }
      return this.#changed(true);
    }
    const copy = this.#copy(m.id, peer, m.type === "cancel" ? undefined : "out");
    if (!copy || isFinished(copy.state)) return;
    switch (m.type) {
      case "accept":
        if (copy.accepted) return;
        copy.accepted = true;
        return this.#peers.get(peer)!.enqueue(copy);
      case "ack":
        return this.#peers.get(peer)!.ack(copy, m.next);
      case "done":
        copy.bytes = copy.item.size;
        return this.#end(copy, "done", null);
      case "decline":
        return this.#end(copy, "declined", DECLINED[m.reason], "peer");
      case "cancel":
        return this.#end(
          copy,
          m.reason === "cancelled" ? "cancelled" : "failed",
          CANCELLED[m.reason],
          "peer",
        );
    }
  }

  #sync(peer: Address, link: FileLink, m: Extract<FileMessage, { type: "sync" }>): void {
    for (const copy of this.#copies(peer)) {
      if (isFinished(copy.state) || copy.state === "hashing") continue;
      const id = copy.item.id;
      if (copy.item.direction === "in") {
        if (!m.sending.includes(id)) {
          this.#end(copy, "failed", "The sender no longer offers this file");
        } else if (copy.accepted) {
          copy.state = "active";
          if (copy.next > 0) copy.resumedAt = copy.next;
        }
        continue;
      }
      const theirs = m.receiving.find((r) => r.id === id);
      if (theirs && copy.chunkSize + CHUNK_OVERHEAD > link.maxMessageSize) {
        // The root is for this chunk size: the transfer cannot go on in smaller chunks.
        this.#end(copy, "failed", "Cannot resume: the new connection carries smaller messages");
        this.#send(peer, { type: "cancel", id, reason: "failed" }, link);
      } else if (theirs?.next === null) copy.state = "offered";
      else if (theirs) {
        copy.accepted = true;
        copy.acked = theirs.next;
        if (theirs.next > 0) copy.resumedAt = theirs.next;
        this.#sender(peer).enqueue(copy);
      } else if (!copy.accepted) this.#sender(peer).offer(copy, link);
      else this.#end(copy, "failed", "The recipient no longer has this transfer (page reloaded?)");
    }
    this.#changed(true);
  }

  #closed(peer: Address, link: FileLink, problem: string | null): void {
    const p = this.#peers.get(peer);
    if (!p || p.link !== link) return;
    p.lost();
    for (const copy of this.#copies(peer)) {
      if (isFinished(copy.state) || copy.state === "hashing") continue;
      if (problem) this.#end(copy, "failed", problem);
      else if (!(copy.item.direction === "in" && copy.state === "offered")) {
        copy.stop?.abort();
        copy.state = "paused";
      }
    }
    this.#publishPeers();
    this.#changed(true);
  }

  /** The peer's frames were refused: tell it which transfers stop, then the link closes. */
  async #refused(peer: Address, problem: string): Promise<void> {
    const link = this.#peers.get(peer)?.link;
    const sent = this.#copies(peer).filter((c) => !isFinished(c.state)).map((copy) => {
      this.#end(copy, "failed", problem);
      return link?.sendControl({ type: "cancel", id: copy.item.id, reason: "refused" });
    });
    await Promise.all(sent).catch(() => {});
  }

  /** Ends a copy: stops its sending, drops its partial file. */
  #end(copy: Copy, state: Copy["state"], problem: string | null, by: Copy["by"] = null): void {
    if (isFinished(copy.state)) return;
    Object.assign(copy, { state, problem, by, speed: 0 });
    copy.stop?.abort();
    this.#receiver.drop(copy);
    this.#changed(true);
  }

  #sender(peer: Address): PeerSender {
    let p = this.#peers.get(peer);
    if (!p) {
      p = new PeerSender(peer, {
        end: (copy, state, problem) => this.#end(copy, state, problem),
        send: (m) => this.#send(peer, m),
        changed: (now) => this.#changed(now),
      });
      this.#peers.set(peer, p);
    }
    return p;
  }

  #send(peer: Address, m: FileMessage, link = this.#peers.get(peer)?.link): void {
    void link?.sendControl(m).catch(() => {});
  }

  #copy(id: string, peer: Address, direction?: "in" | "out"): Copy | undefined {
    return this.#copies(peer).find((c) =>
      c.item.id === id && (!direction || c.item.direction === direction)
    );
  }

  #copies(peer: Address): Copy[] {
    return this.#items.flatMap((i) => i.copies).filter((c) => c.peer === peer);
  }

  #publishPeers(): void {
    this.peers.set([...this.#peers].filter(([, p]) => p.link).map(([a]) => a));
  }

  /** Publishes a new snapshot now, or within {@link PROGRESS_MS} (progress). */
  #changed(now = false): void {
    if (!now) {
      this.#timer ??= setTimeout(() => this.#changed(true), this.#o.progressMs ?? PROGRESS_MS);
      return;
    }
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.items.set(this.#items.map(snapshot));
  }
}

/**
 * How often progress is published while bytes move (a change of state at once). Each snapshot
 * redraws the room on both pages, in browsers short of CPU while a file moves: once a second took
 * about 0.02 s of CPU per MiB off each side against every 250 ms (bench/README.md, benchmark 7).
 */
const PROGRESS_MS = 1000;

function lower(a: Address): Address {
  return a.toLowerCase() as Address;
}

function randomId(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}
