/**
 * File transfer between engines over in-memory channels with real sub-channel keys
 * (testing/file_peers.ts). The same engine runs in Chromium and Firefox in tests/browser/.
 */
import assert from "node:assert/strict";
import type { Address } from "viem";
import { FakeNetwork } from "../../../testing/fake_rtc.ts";
import { type FilePeer, filePeer, link, randomBlob } from "../../../testing/file_peers.ts";
import { chunkSizeFor, HIGH_WATER } from "./file_link.ts";
import type { FileItem, PeerTransfer } from "./transfer_types.ts";

const ALICE = "0x1111111111111111111111111111111111111111" as Address;
const BOB = "0x2222222222222222222222222222222222222222" as Address;
const CAROL = "0x3333333333333333333333333333333333333333" as Address;

/** Waits (bounded) until `ok` holds for one of the peer's items. */
async function until(
  p: FilePeer,
  ok: (items: readonly FileItem[]) => boolean,
  what: string,
  ms = 20_000,
): Promise<readonly FileItem[]> {
  if (ok(p.files.items.value)) return p.files.items.value;
  let off = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise((resolve, reject) => {
      off = p.files.items.subscribe((v) => ok(v) && resolve(v));
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    });
  } finally {
    off();
    clearTimeout(timer);
  }
}

const copy = (items: readonly FileItem[], i = 0, peer = 0): PeerTransfer | undefined =>
  items[i]?.peers[peer];
const state = (s: PeerTransfer["state"]) => (items: readonly FileItem[]) =>
  copy(items)?.state === s;
const bytesOf = async (b: Blob) => new Uint8Array(await b.arrayBuffer());

Deno.test("FileTransfers", async (t) => {
  await t.step("behavior: a file crosses byte-identical after accept, hash checked", async () => {
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE), filePeer(BOB)];
    await link(net, a, b);
    await until(a, () => a.files.peers.value.length === 1, "link up");
    const blob = randomBlob(3 * 1024 * 1024 + 123, 7);
    a.files.send([new File([blob], "data.bin", { type: "application/octet-stream" })]);
    const offered = await until(b, state("offered"), "offer");
    assert.equal(offered[0].name, "data.bin");
    assert.equal(offered[0].size, blob.size);
    assert.equal(offered[0].from, ALICE.toLowerCase());
    assert.equal(copy(a.files.items.value)?.state, "offered");
    await b.files.accept(offered[0].id, ALICE);
    const got = await until(b, state("done"), "received");
    await until(a, state("done"), "sender sees done");
    assert.deepEqual(await bytesOf(got[0].file!), await bytesOf(blob));
    assert.equal(copy(got)?.bytes, blob.size);
    assert.deepEqual(b.sinks.map((s) => s.ended), ["finished"]);
    assert.equal(copy(a.files.items.value)?.bytes, blob.size);
  });

  await t.step("behavior: backpressure and chunk size follow the channel", async () => {
    const net = new FakeNetwork();
    net.maxMessageSize = 64 * 1024;
    net.bytesPerTick = 16 * 1024;
    const [a, b] = [filePeer(ALICE), filePeer(BOB)];
    const wire = await link(net, a, b);
    const sizes: number[] = [];
    const send = wire.a.send.bind(wire.a);
    wire.a.send = (d) => {
      sizes.push((d as Uint8Array).byteLength);
      send(d);
    };
    const blob = randomBlob(8 * 1024 * 1024, 3);
    a.files.send([blob]);
    const offered = await until(b, state("offered"), "offer");
    await b.files.accept(offered[0].id, ALICE);
    const got = await until(b, state("done"), "received", 60_000);
    assert.deepEqual(await bytesOf(got[0].file!), await bytesOf(blob));
    // Every frame fits the connection's messages; chunks are whole KiB.
    assert.ok(Math.max(...sizes) <= 64 * 1024);
    assert.equal(Math.max(...sizes), 63 * 1024 + 49);
    // A chat text waits behind what the file channel has queued (bench/README.md, benchmark
    // 7): never more than two frames, the one going out and the next.
    assert.ok(wire.a.peakBufferedAmount <= 2 * 64 * 1024, `${wire.a.peakBufferedAmount}`);
    assert.ok(wire.a.peakBufferedAmount > HIGH_WATER, "the queue was filled");
    assert.equal(got[0].name, "pasted image");
  });

  await t.step("behavior: decline, and the receiver's size limit declines by itself", async () => {
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE), filePeer(BOB, 1000)];
    await link(net, a, b);
    a.files.send([randomBlob(10)]);
    const offered = await until(b, state("offered"), "offer");
    b.files.decline(offered[0].id, ALICE);
    const [item] = await until(a, state("declined"), "declined");
    assert.equal(item.peers[0].by, "peer");
    a.files.send([randomBlob(1001)]);
    const too = await until(a, (i) => copy(i, 1)?.state === "declined", "too large");
    assert.match(copy(too, 1)?.problem ?? "", /larger than the recipient accepts/);
    assert.match(copy(b.files.items.value, 1)?.problem ?? "", /over the 1 KB limit/);
    assert.equal(b.sinks.length, 0);
  });

  await t.step("error: the sender's own limit refuses a file before any byte", async () => {
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE, 100), filePeer(BOB)];
    await link(net, a, b);
    a.files.send([randomBlob(101)]);
    const [item] = await until(a, state("failed"), "refused");
    assert.match(
      item.peers[0].problem ?? "",
      /^Cannot send it: larger than this room's 100 B limit/,
    );
    assert.equal(b.files.items.value.length, 0);
    assert.throws(() => filePeer(CAROL).files.send([randomBlob(1)]), /no one is connected/);
  });

  for (const who of ["receiver", "sender"] as const) {
    await t.step(`behavior: the ${who} cancels mid-transfer; both stop and drop it`, async () => {
      const net = new FakeNetwork();
      net.bytesPerTick = 256 * 1024;
      const [a, b] = [filePeer(ALICE), filePeer(BOB)];
      const wire = await link(net, a, b);
      a.files.send([randomBlob(64 * 1024 * 1024, 5)]);
      const offered = await until(b, state("offered"), "offer");
      await b.files.accept(offered[0].id, ALICE);
      await until(b, (i) => (copy(i)?.bytes ?? 0) > 2 * 1024 * 1024, "some bytes");
      if (who === "receiver") b.files.cancel(offered[0].id);
      else a.files.cancel(offered[0].id);
      const [gone] = await until(b, state("cancelled"), "receiver cancelled");
      const [mine] = await until(a, state("cancelled"), "sender cancelled");
      assert.equal(gone.peers[0].by, who === "receiver" ? "you" : "peer");
      assert.equal(mine.peers[0].by, who === "sender" ? "you" : "peer");
      assert.equal(gone.file, null);
      assert.deepEqual(b.sinks.map((s) => s.ended), ["discarded"]);
      // The sender stopped: nothing more is queued after the cancel reached it.
      await new Promise((r) => setTimeout(r, 50));
      const queued = wire.a.bufferedAmount;
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(wire.a.bufferedAmount <= queued);
      assert.ok(b.sinks[0].written < 64 * 1024 * 1024);
    });
  }

  await t.step("error: a file that changed after hashing fails the root check", async () => {
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE), filePeer(BOB)];
    await link(net, a, b);
    // A file on disk edited between picking (hashed) and sending: same size, other bytes.
    const first = randomBlob(700_000, 1);
    const second = randomBlob(700_000, 2);
    let reads = 0;
    const changing = {
      size: first.size,
      type: "",
      slice(start: number, end: number) {
        return (reads++ < 1 ? first : second).slice(start, end);
      },
    } as unknown as Blob;
    a.files.send([changing]);
    const offered = await until(b, state("offered"), "offer");
    await b.files.accept(offered[0].id, ALICE);
    const [item] = await until(b, state("failed"), "refused");
    assert.match(item.peers[0].problem ?? "", /does not match the SHA-256.*discarded/);
    assert.equal(item.file, null);
    assert.deepEqual(b.sinks.map((s) => s.ended), ["discarded"]);
    const [sent] = await until(a, state("failed"), "sender told");
    assert.match(sent.peers[0].problem ?? "", /did not match its SHA-256/);
  });

  await t.step("error: a full disk stops the transfer and tells the sender why", async () => {
    const net = new FakeNetwork();
    // Bob's storage takes 1.5 MiB: the second 1 MiB batch of a 3 MiB file does not fit.
    const [a, b] = [filePeer(ALICE), filePeer(BOB, 2 ** 30, 1.5 * 1024 * 1024)];
    await link(net, a, b);
    a.files.send([randomBlob(3 * 1024 * 1024, 5)]);
    const offered = await until(b, state("offered"), "offer");
    await b.files.accept(offered[0].id, ALICE);
    const [item] = await until(b, state("failed"), "receiver stopped");
    assert.match(item.peers[0].problem ?? "", /storage is full/);
    assert.equal(item.file, null);
    assert.deepEqual(b.sinks.map((s) => s.ended), ["discarded"]);
    const [sent] = await until(a, state("failed"), "sender told");
    assert.equal(
      sent.peers[0].problem,
      "The recipient's storage is full: the transfer was stopped and nothing of it kept",
    );
    // Nothing else broke: the partial file's space is free again, and a file that fits crosses
    // on the same link.
    a.files.send([new File([randomBlob(200_000, 6)], "small.bin")]);
    const next = await until(b, (items) => items[1]?.peers[0]?.state === "offered", "2nd offer");
    await b.files.accept(next[1].id, ALICE);
    await until(b, (items) => items[1]?.peers[0]?.state === "done", "small file received");
  });

  await t.step("error: a chunk altered in transit is refused and nothing is kept", async () => {
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE), filePeer(BOB)];
    const wire = await link(net, a, b);
    let large = 0;
    const send = wire.a.send.bind(wire.a);
    wire.a.send = (d) => {
      const bytes = d as Uint8Array;
      if (bytes.byteLength > 1000 && ++large === 3) bytes[bytes.byteLength - 20] ^= 1;
      send(bytes);
    };
    a.files.send([randomBlob(4 * 1024 * 1024, 9)]);
    const offered = await until(b, state("offered"), "offer");
    await b.files.accept(offered[0].id, ALICE);
    const [item] = await until(b, state("failed"), "refused");
    assert.match(item.peers[0].problem ?? "", /file frame from the peer was refused/);
    assert.deepEqual(b.sinks.map((s) => s.ended), ["discarded"]);
    const [sent] = await until(a, (i) => copy(i)?.state === "failed", "sender told");
    assert.match(sent.peers[0].problem ?? "", /refused a damaged chunk/);
  });

  for (const how of ["closed", "cut"] as const) {
    await t.step(
      `behavior: a link ${how} mid-transfer; a new one resumes from the last ack`,
      async () => {
        const net = new FakeNetwork();
        net.bytesPerTick = 512 * 1024;
        const [a, b] = [filePeer(ALICE), filePeer(BOB)];
        const first = await link(net, a, b);
        const blob = randomBlob(40 * 1024 * 1024 + 5, 11);
        a.files.send([blob]);
        const offered = await until(b, state("offered"), "offer");
        await b.files.accept(offered[0].id, ALICE);
        await until(b, (i) => (copy(i)?.bytes ?? 0) > 10 * 1024 * 1024, "a quarter");
        // Closed: what was queued still arrives. Cut: the path died, the queue is lost.
        first.a.close(how === "cut");
        await until(a, state("paused"), "sender paused");
        await until(b, state("paused"), "receiver paused");
        const written = b.sinks[0].written;
        await link(net, a, b); // A new connection, new keys.
        const got = await until(b, state("done"), "completed", 60_000);
        await until(a, state("done"), "sender done");
        assert.deepEqual(await bytesOf(got[0].file!), await bytesOf(blob));
        const resumed = copy(got)!.resumedAt!;
        assert.ok(resumed > 0, "not from zero");
        assert.equal(copy(a.files.items.value)?.resumedAt, resumed);
        // Nothing written before the pause was asked for again (writes queued then may finish
        // after it: the resume point is what was written when the new link's sync went out).
        assert.ok(resumed * chunkSizeFor(256 * 1024) >= written, `${resumed} ${written}`);
        // Every byte was written once: the receiver asked only for the rest.
        assert.equal(b.sinks[0].written, blob.size);
        assert.equal(b.sinks.length, 1);
      },
    );
  }

  await t.step("error: a new connection with smaller messages than the root's chunks", async () => {
    // The root is for one chunk size: on a link that cannot carry those chunks the offer fails
    // on both sides, rather than chunks too large for the channel being sent after Accept.
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE), filePeer(BOB)];
    const first = await link(net, a, b);
    a.files.send([randomBlob(300_000, 8)]);
    await until(b, state("offered"), "offer");
    first.a.close(false);
    await until(a, state("paused"), "sender paused");
    net.maxMessageSize = 32 * 1024;
    await link(net, a, b);
    const [item] = await until(a, state("failed"), "refused");
    assert.match(item.peers[0].problem ?? "", /^Cannot resume: the new connection carries smaller/);
    const [theirs] = await until(b, state("failed"), "receiver told");
    assert.match(theirs.peers[0].problem ?? "", /could not go on/);
    assert.equal(b.sinks.length, 0);
  });

  await t.step("behavior: one file to the whole room, with progress per peer", async () => {
    const net = new FakeNetwork();
    const [a, b, c] = [filePeer(ALICE), filePeer(BOB), filePeer(CAROL)];
    await Promise.all([link(net, a, b), link(net, a, c), link(net, b, c)]);
    await until(a, () => a.files.peers.value.length === 2, "two peers");
    const blob = randomBlob(2 * 1024 * 1024, 4);
    a.files.send([blob]);
    for (const p of [b, c]) {
      const offered = await until(p, state("offered"), "offer");
      await p.files.accept(offered[0].id, ALICE);
    }
    for (const p of [b, c]) {
      const got = await until(p, state("done"), "received");
      assert.deepEqual(await bytesOf(got[0].file!), await bytesOf(blob));
    }
    const [item] = await until(a, (i) => i[0]?.peers.every((p) => p.state === "done"), "both");
    assert.deepEqual(
      item.peers.map((p) => p.peer).sort(),
      [BOB, CAROL].map((x) => x.toLowerCase()),
    );
  });

  await t.step("behavior: an empty file completes at once", async () => {
    const net = new FakeNetwork();
    const [a, b] = [filePeer(ALICE), filePeer(BOB)];
    await link(net, a, b);
    a.files.send([new File([], "empty.txt")]);
    const offered = await until(b, state("offered"), "offer");
    await b.files.accept(offered[0].id, ALICE);
    const [got] = await until(b, state("done"), "done");
    assert.equal(got.file?.size, 0);
    await until(a, state("done"), "sender done");
  });
});
