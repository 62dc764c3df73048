import assert from "node:assert/strict";
import type { Address } from "viem";
import { type ChannelEnd, channelPair, subKeyPair } from "../../../testing/call_channels.ts";
import { CallLink } from "./call_link.ts";
import type { CallMessage } from "./call_message.ts";
import { CALL_LIMITS } from "./call_types.ts";
import { Calls } from "./calls.ts";
import { MediaAccessError, type MediaDevicesIO } from "./local_media.ts";

const SELF = "0x00000000000000000000000000000000000000aa" as Address;
const X = "0x00000000000000000000000000000000000000bb" as Address;
const Y = "0x00000000000000000000000000000000000000cc" as Address;
const call = "0123456789abcdef0123";
const other = "fedcba9876543210fedc";
const settle = () => new Promise((r) => setTimeout(r, 30));
/** Waits (bounded: 5 s) until `done` holds: sealed frames open asynchronously, slower on a busy machine. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}
const joinedCount = (calls: Calls) =>
  calls.state.value.peers.filter((p) => p.status === "joined").length;

/** A Calls engine with peers attached over sealed in-memory channels (no media: no links). */
async function engine(
  peers: Address[],
  limits = { audio: 8, video: 2 },
  devices?: MediaDevicesIO,
) {
  const calls = new Calls({ limits, devices });
  const remote = new Map<Address, { link: CallLink; got: CallMessage[]; end: ChannelEnd }>();
  for (const peer of peers) {
    const [ours, theirs] = channelPair();
    const [keys, peerKeys] = await subKeyPair();
    const attached = (p: Address, channel: ChannelEnd, k: typeof keys) => ({
      peer: p,
      channel: channel as unknown as RTCDataChannel,
      early: [],
      keys: k,
      maxMessageSize: 65536,
    });
    calls.extension.attach(attached(peer, ours, keys));
    const got: CallMessage[] = [];
    const link = new CallLink(attached(SELF, theirs, peerKeys), {
      message: (_, m) => got.push(m),
      closed: () => {},
    });
    remote.set(peer, { link, got, end: theirs });
  }
  return { calls, remote };
}

Deno.test("Calls: a ring makes an incoming call from its sender", async () => {
  const { calls, remote } = await engine([X]);
  await remote.get(X)!.link.send({ type: "ring", call, video: true });
  await settle();
  const s = calls.state.value;
  assert.equal(s.phase, "incoming");
  assert.equal(s.from, X);
  assert.equal(s.video, true);
  calls.decline();
  await settle();
  assert.equal(calls.state.value.phase, "idle");
  assert.deepEqual(remote.get(X)!.got, [{ type: "decline", call, reason: "declined" }]);
});

Deno.test("Calls: a ring for another call while one is on is answered busy", async () => {
  const { calls, remote } = await engine([X, Y]);
  await remote.get(X)!.link.send({ type: "ring", call, video: false });
  await settle();
  await remote.get(Y)!.link.send({ type: "ring", call: other, video: false });
  await settle();
  assert.equal(calls.state.value.call, call);
  assert.deepEqual(remote.get(Y)!.got, [{ type: "decline", call: other, reason: "busy" }]);
});

Deno.test("Calls: error: accepting a full call is refused with a sentence; the caller is told", async () => {
  const { calls, remote } = await engine([X, Y], { audio: 8, video: 2 });
  await remote.get(X)!.link.send({ type: "ring", call, video: true });
  await remote.get(Y)!.link.send({ type: "join", call, video: true });
  await until(() => joinedCount(calls) === 2);
  assert.equal(joinedCount(calls), 2);
  await calls.accept();
  await settle();
  const s = calls.state.value;
  assert.equal(s.phase, "idle");
  assert.match(s.problem!, /^Cannot join the call: it already has 2 people, the most a video call/);
  assert.deepEqual(remote.get(X)!.got, [{ type: "decline", call, reason: "full" }]);
});

Deno.test("Calls: a join that outruns its call's ring is counted once the ring comes", async () => {
  const { calls, remote } = await engine([X, Y]);
  // Y's join comes over the Y link before X's ring over the X link.
  await remote.get(Y)!.link.send({ type: "join", call, video: false });
  await settle();
  assert.equal(calls.state.value.phase, "idle");
  await remote.get(X)!.link.send({ type: "ring", call, video: false });
  await until(() => joinedCount(calls) === 2);
  assert.deepEqual(calls.state.value.peers.map((p) => [p.address, p.status]), [
    [X, "joined"],
    [Y, "joined"],
  ]);
  calls.decline();
});

Deno.test("Calls: an early join taken back, or for another call, is not counted", async () => {
  const { calls, remote } = await engine([X, Y]);
  await remote.get(Y)!.link.send({ type: "join", call, video: false });
  await remote.get(Y)!.link.send({ type: "leave", call });
  await remote.get(X)!.link.send({ type: "join", call: other, video: false });
  await settle();
  await remote.get(X)!.link.send({ type: "ring", call, video: false });
  await until(() => calls.state.value.phase === "incoming");
  await settle();
  assert.deepEqual(calls.state.value.peers.map((p) => [p.address, p.status]), [[X, "joined"]]);
  calls.decline();
});

Deno.test("Calls: the caller hanging up ends an incoming call", async () => {
  const { calls, remote } = await engine([X]);
  await remote.get(X)!.link.send({ type: "ring", call, video: false });
  await remote.get(X)!.link.send({ type: "leave", call });
  await settle();
  assert.equal(calls.state.value.phase, "idle");
});

Deno.test("Calls: error: a tampered call frame ends that peer's call with a reason", async () => {
  const { calls, remote } = await engine([X]);
  await remote.get(X)!.link.send({ type: "ring", call, video: false });
  await settle();
  remote.get(X)!.end.tap = (b) => {
    b[b.length - 1] ^= 1;
    return b;
  };
  await remote.get(X)!.link.send({ type: "state", call, mic: true, camera: false, screen: false });
  await settle();
  const s = calls.state.value;
  assert.equal(s.phase, "idle");
  assert.match(s.problem!, /^Call ended: Refused the peer's call message \(Cannot open file frame/);
});

Deno.test("Calls: starting a call with no one connected says so", async () => {
  const calls = new Calls();
  await calls.start({ video: false });
  assert.equal(calls.state.value.phase, "idle");
  assert.match(calls.state.value.problem!, /^Cannot start a call: no one is connected yet/);
});

Deno.test("Calls: accepting joins at once; a device refused meanwhile leaves with the sentence", async () => {
  let refuse: (e: unknown) => void = () => {};
  const devices: MediaDevicesIO = {
    getUserMedia: () => new Promise((_, reject) => refuse = reject),
    enumerateDevices: () => Promise.resolve([]),
  };
  const { calls, remote } = await engine([X], undefined, devices);
  await remote.get(X)!.link.send({ type: "ring", call, video: true });
  await settle();
  const accepted = calls.accept();
  await settle();
  // The devices are still opening: the caller already knows we joined.
  assert.equal(calls.state.value.phase, "in-call");
  assert.deepEqual(remote.get(X)!.got, [{ type: "join", call, video: true }]);
  refuse(new DOMException("denied", "NotAllowedError"));
  await assert.rejects(accepted, MediaAccessError);
  await settle();
  const s = calls.state.value;
  assert.equal(s.phase, "idle");
  assert.match(s.problem!, /^Cannot use the microphone and camera: permission was denied/);
  assert.deepEqual(remote.get(X)!.got.at(-1), { type: "leave", call });
});

Deno.test("Calls: error: with the measured limits, one more than a full video or audio call is refused", async () => {
  for (const video of [true, false]) {
    const limit = video ? CALL_LIMITS.video : CALL_LIMITS.audio;
    // The caller and limit − 1 others already in it: this browser would be one too many.
    const peers = Array.from(
      { length: limit },
      (_, i) => `0x${(0x100 + i).toString(16).padStart(40, "0")}` as Address,
    );
    const { calls, remote } = await engine(peers, CALL_LIMITS);
    await remote.get(peers[0])!.link.send({ type: "ring", call, video });
    for (const p of peers.slice(1)) await remote.get(p)!.link.send({ type: "join", call, video });
    await until(() => joinedCount(calls) === limit);
    assert.equal(joinedCount(calls), limit);
    await calls.accept();
    await settle();
    const s = calls.state.value;
    assert.equal(s.phase, "idle");
    assert.equal(
      s.problem,
      video
        ? `Cannot join the call: it already has ${limit} people, the most a video call between ` +
          `browsers carries well here. Ask someone to leave, or start an audio call instead (up ` +
          `to ${CALL_LIMITS.audio} people).`
        : `Cannot join the call: it already has ${limit} people, the most an audio call between ` +
          "browsers carries well here. Ask someone to leave.",
    );
    // An audio call has no video to turn off: its sentence does not speak of video.
    if (!video) assert.doesNotMatch(s.problem!, /video/);
    assert.deepEqual(remote.get(peers[0])!.got, [{ type: "decline", call, reason: "full" }]);
    calls.dispose();
  }
});
