/**
 * File transfers between in-memory peers, for Deno tests of app/client/files/: each pair of
 * `FileTransfers` is joined by a pair of in-memory DataChannels (fake_rtc.ts) and real "files"
 * sub-channel keys derived from a real key exchange (app/core), as a verified link would hand
 * them over. `link()` again after `cut()` is a new connection with new keys.
 *
 * @example
 * ```ts ignore
 * const net = new FakeNetwork();
 * const [a, b] = [peer(ALICE), peer(BOB)];
 * const wire = await link(net, a, b);
 * a.files.send([blob]);
 * ```
 * @module
 */
import type { Address } from "viem";
import { deriveSubChannelKeys, type SubChannelKeys } from "../app/core/sub_keys.ts";
import { deriveSessionKeys } from "../app/core/key_schedule.ts";
import { generateKemKeyPair } from "../app/core/kem.ts";
import { connectionPair } from "./core_fixtures.ts";
import { generateEcdhKeyPair } from "../app/core/ecdh.ts";
import { FileTransfers } from "../app/client/files/file_transfers.ts";
import {
  type FileSink,
  type FileStorage,
  memoryFileStorage,
  StorageFullError,
} from "../app/client/files/file_storage.ts";
import { FakeDataChannel, type FakeNetwork } from "./fake_rtc.ts";

const ROOM = `0x${"ab".repeat(32)}` as const;

/** A test peer: its address, transfers, and what its storage did. */
export interface FilePeer {
  address: Address;
  files: FileTransfers;
  /** Sinks opened, and how each ended. */
  sinks: { name: string; written: number; ended: "finished" | "discarded" | null }[];
}

/**
 * A peer with memory storage that records its sinks.
 *
 * @param address The peer's address.
 * @param maxBytes The size limit (default 1 GiB).
 * @param storageBytes Bytes its storage holds at once (a discarded file frees its part) before a
 *   write fails as full.
 */
export function filePeer(address: Address, maxBytes = 2 ** 30, storageBytes = Infinity): FilePeer {
  let stored = 0;
  const sinks: FilePeer["sinks"] = [];
  const memory = memoryFileStorage();
  const storage: FileStorage = {
    ...memory,
    async open(request) {
      const sink = await memory.open(request);
      const record = {
        name: request.name,
        written: 0,
        ended: null as null | "finished" | "discarded",
      };
      sinks.push(record);
      const spied: FileSink = {
        kind: sink.kind,
        write: (b) => {
          if (stored + b.length > storageBytes) {
            return Promise.reject(new StorageFullError("Cannot save the file: storage is full"));
          }
          stored += b.length;
          record.written += b.length;
          return sink.write(b);
        },
        finish: () => {
          record.ended = "finished";
          return sink.finish();
        },
        discard: () => {
          record.ended = "discarded";
          stored -= record.written;
          return sink.discard();
        },
      };
      return spied;
    },
  };
  return {
    address,
    sinks,
    files: new FileTransfers({
      self: address,
      maxBytes,
      storage,
      // Often, so a test sees a transfer's middle on a fast in-process network.
      progressMs: 100,
    }),
  };
}

/** The two channel ends of one link between `a` and `b` (a's end first). */
export interface FileWire {
  a: FakeDataChannel;
  b: FakeDataChannel;
}

/**
 * Connects two peers: fresh ECDH keys, session and connection keys, the "files" sub-channel keys,
 * and a channel pair handed to both extensions, then opened.
 */
export async function link(net: FakeNetwork, a: FilePeer, b: FilePeer): Promise<FileWire> {
  const [fa, fb] = await fileKeyPair(a.address, b.address);
  const wire = {
    a: new FakeDataChannel("mesh3-files", net),
    b: new FakeDataChannel("mesh3-files", net),
  };
  wire.a.pair(wire.b);
  const max = net.maxMessageSize;
  const as = (c: FakeDataChannel) => c as unknown as RTCDataChannel;
  a.files.extension.attach({
    peer: b.address,
    channel: as(wire.a),
    early: [],
    keys: fa,
    maxMessageSize: max,
  });
  b.files.extension.attach({
    peer: a.address,
    channel: as(wire.b),
    early: [],
    keys: fb,
    maxMessageSize: max,
  });
  wire.a.open();
  wire.b.open();
  return wire;
}

/**
 * The "files" sub-channel keys of one connection between `a` and `b`, each side's (fresh ECDH and
 * KEM keys, real session and connection keys).
 */
export async function fileKeyPair(
  a: Address,
  b: Address,
): Promise<[SubChannelKeys, SubChannelKeys]> {
  const [ka, kb, kemA, kemB] = await Promise.all([
    generateEcdhKeyPair(),
    generateEcdhKeyPair(),
    generateKemKeyPair(),
    generateKemKeyPair(),
  ]);
  const fp = (n: number) => new Uint8Array(32).fill(n);
  const pa = {
    address: a,
    publicKey: ka.publicKey,
    fingerprint: fp(1),
    kemKey: kemA.publicKey,
  };
  const pb = {
    address: b,
    publicKey: kb.publicKey,
    fingerprint: fp(2),
    kemKey: kemB.publicKey,
  };
  const [sa, sb] = await Promise.all([
    deriveSessionKeys({ roomId: ROOM, keyPair: ka, kemKeyPair: kemA, self: pa, peer: pb }),
    deriveSessionKeys({ roomId: ROOM, keyPair: kb, kemKeyPair: kemB, self: pb, peer: pa }),
  ]);
  const [ca, cb] = await connectionPair(sa, sb);
  return await Promise.all([
    deriveSubChannelKeys(ca, "files"),
    deriveSubChannelKeys(cb, "files"),
  ]);
}

/**
 * A pseudo-random Blob of `size` bytes (xorshift32 from `seed`), built without one big buffer.
 *
 * @param size Bytes.
 * @param seed Any non-zero integer.
 */
export function randomBlob(size: number, seed = 1): Blob {
  const parts: Uint8Array[] = [];
  let x = seed >>> 0 || 1;
  for (let at = 0; at < size; at += 1 << 20) {
    const part = new Uint8Array(Math.min(1 << 20, size - at));
    const words = new Uint32Array(part.buffer, 0, part.length >>> 2);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    for (let i = words.length * 4; i < part.length; i++) part[i] = i & 0xff;
    parts.push(part);
  }
  return new Blob(parts as BlobPart[]);
}
