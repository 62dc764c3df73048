import assert from "node:assert/strict";
import { CLOSE, Peer } from "./peer.ts";
import { textFrame } from "./text_frame.ts";

/** An in-memory socket: what the peer sends and how it was closed. */
function socket(buffered = 0) {
  return {
    sent: [] as string[],
    closed: undefined as [number | undefined, string | undefined] | undefined,
    bufferedAmount: buffered,
    send(text: string) {
      this.sent.push(text);
    },
    close(code?: number, reason?: string) {
      this.closed = [code, reason];
    },
  };
}

const ROOM = `0x${"ab".repeat(32)}` as const;

function peer(conn = socket(), onEnd?: () => void) {
  return new Peer(conn, {
    address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    sessionId: "s",
    ip: "127.0.0.1",
    maxSendBufferBytes: 100,
    ratePerSecond: 1,
    rateBurst: 1,
    onEnd,
  });
}

Deno.test("Peer: state the hub asks and tells through methods", async (t) => {
  await t.step("behavior: rooms entered and left; the key is the lower-case address", () => {
    const p = peer();
    assert.equal(p.key, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    p.enter(ROOM);
    assert.deepEqual([...p.rooms], [ROOM]);
    p.exit(ROOM);
    assert.equal(p.rooms.size, 0);
  });

  await t.step("behavior: strikes count up", () => {
    const p = peer();
    assert.deepEqual([p.strike(), p.strike(), p.strike()], [1, 2, 3]);
  });

  await t.step(
    "behavior: queued frames run in order, one failing does not stop the rest",
    async () => {
      const p = peer();
      const order: string[] = [];
      const errors: unknown[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => release = r);
      p.enqueue(async () => {
        await gate;
        order.push("first");
      }, (e) => errors.push(e));
      p.enqueue(() => Promise.reject(new Error("second failed")), (e) => errors.push(e));
      p.enqueue(() => Promise.resolve(void order.push("third")), (e) => errors.push(e));
      assert.equal(p.pending, 3);
      release();
      for (let i = 0; i < 100 && p.pending > 0; i++) await new Promise((r) => setTimeout(r, 1));
      assert.deepEqual(order, ["first", "third"]);
      assert.equal((errors[0] as Error).message, "second failed");
      assert.equal(p.pending, 0);
    },
  );

  await t.step("behavior: the join timer closes a peer in no room with 1008", async () => {
    const conn = socket();
    const p = peer(conn);
    p.startJoinTimer(1);
    for (let i = 0; i < 100 && !p.closed; i++) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(conn.closed, [CLOSE.policy, "no join in time"]);
  });

  await t.step("behavior: entering a room stops the join timer", async () => {
    const conn = socket();
    const p = peer(conn);
    p.startJoinTimer(1);
    p.enter(ROOM);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(p.closed, false);
    assert.equal(conn.closed, undefined);
  });

  await t.step("behavior: close ends once, calls onEnd once, sends nothing after", () => {
    const conn = socket();
    let ended = 0;
    const p = peer(conn, () => ended++);
    p.close(CLOSE.goingAway, "bye");
    p.close(CLOSE.policy, "again");
    assert.equal(p.end(), false);
    p.send({ v: 1, type: "pong" });
    assert.deepEqual(conn.closed, [CLOSE.goingAway, "bye"]);
    assert.equal(ended, 1);
    assert.deepEqual(conn.sent, []);
  });

  await t.step("behavior: end without close (the connection ended) calls onEnd once", () => {
    const conn = socket();
    let ended = 0;
    const p = peer(conn, () => ended++);
    assert.equal(p.end(), true);
    assert.equal(p.end(), false);
    assert.equal(ended, 1);
    assert.equal(conn.closed, undefined);
  });

  await t.step("error: a socket not reading is closed with 1013 instead of sent to", () => {
    const conn = socket(101);
    const p = peer(conn);
    p.error("internal", "x");
    assert.deepEqual(conn.sent, []);
    assert.deepEqual(conn.closed, [CLOSE.tryAgainLater, "send buffer full"]);
  });
});

Deno.test("Peer.sendFrame: a built text frame goes out whole, anything else is dropped", async (t) => {
  await t.step("behavior: written as it is when the socket takes frames", () => {
    const frames: Uint8Array[] = [];
    const conn = { ...socket(), sendFrame: (f: Uint8Array) => void frames.push(f) };
    const frame = textFrame('{"v":1,"type":"pong"}');
    assert.equal(peer(conn).sendFrame(frame), true);
    assert.deepEqual(frames, [frame]);
    assert.deepEqual(conn.sent, []);
  });
  await t.step("behavior: its text goes through send when the socket takes only text", () => {
    const conn = socket();
    assert.equal(peer(conn).sendFrame(textFrame('{"v":1,"type":"pong"}')), true);
    assert.deepEqual(conn.sent, ['{"v":1,"type":"pong"}']);
  });
  await t.step("error: bytes that are not exactly one text frame are not sent", () => {
    const conn = socket();
    const frame = textFrame("hello");
    assert.equal(peer(conn).sendFrame(frame.subarray(0, 5)), false);
    assert.equal(peer(conn).sendFrame(new Uint8Array([0x82, ...frame.subarray(1)])), false);
    assert.deepEqual(conn.sent, []);
    assert.equal(conn.closed, undefined);
  });
  await t.step("error: a socket not reading is closed with 1013, the frame not sent", () => {
    const conn = socket(101);
    assert.equal(peer(conn).sendFrame(textFrame("x")), true);
    assert.deepEqual(conn.sent, []);
    assert.deepEqual(conn.closed, [CLOSE.tryAgainLater, "send buffer full"]);
  });
});
