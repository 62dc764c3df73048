import assert from "node:assert/strict";
import { encodeBase64Url } from "./bytes.ts";
import {
  encodeRelayedIce,
  encodeWireMessage,
  isWireIceConfig,
  MAX_SDP_LENGTH,
  parseClientMessage,
  parseServerMessage,
  relayedIcePrefix,
  type ServerMessage,
} from "./wire.ts";
import type { Hex } from "viem";

const room = "0x" + "Ab".repeat(32);
const to = "0x" + "cd".repeat(20);
const key32 = encodeBase64Url(new Uint8Array(32).fill(7));
const key65 = encodeBase64Url(new Uint8Array(65).fill(4));
const kemKey = encodeBase64Url(new Uint8Array(1184).fill(5));

Deno.test("parseClientMessage: accepts every client message and normalizes ids", async (t) => {
  const cases: [string, unknown][] = [
    ["join", { v: 1, type: "join", roomId: room }],
    ["leave", { v: 1, type: "leave", roomId: room, ref: "r1" }],
    ["offer", { v: 1, type: "offer", to, roomId: room, publicKey: key32, kemKey, sdp: "v=0" }],
    ["answer", { v: 1, type: "answer", to, roomId: room, publicKey: key65, kemKey, sdp: "v=0" }],
    ["ice", {
      v: 1,
      type: "ice",
      to,
      roomId: room,
      candidate: { candidate: "c", sdpMid: "0", sdpMLineIndex: 0 },
    }],
    ["ice end", { v: 1, type: "ice", to, roomId: room, candidate: null }],
    ["ping", { v: 1, type: "ping" }],
  ];
  for (const [name, msg] of cases) {
    await t.step(name, () => {
      const r = parseClientMessage(JSON.stringify(msg));
      assert.ok(r.ok, JSON.stringify(r));
      if ("roomId" in r.message) assert.equal(r.message.roomId, room.toLowerCase());
      if ("to" in r.message) assert.equal(r.message.to.toLowerCase(), to);
    });
  }
});

Deno.test("parseClientMessage: refuses bad frames with a typed code", async (t) => {
  const cases: [string, string, string][] = [
    ["not JSON", "{", "malformed"],
    ["array", "[]", "malformed"],
    ["null", "null", "malformed"],
    ["no version", JSON.stringify({ type: "ping" }), "unsupported-version"],
    ["version 2", JSON.stringify({ v: 2, type: "ping" }), "unsupported-version"],
    ["unknown type", JSON.stringify({ v: 1, type: "hello" }), "unknown-type"],
    ["prototype type", JSON.stringify({ v: 1, type: "toString" }), "unknown-type"],
    ["server type", JSON.stringify({ v: 1, type: "pong" }), "unknown-type"],
    ["extra field", JSON.stringify({ v: 1, type: "ping", x: 1 }), "malformed"],
    ["short room", JSON.stringify({ v: 1, type: "join", roomId: "0x12" }), "malformed"],
    [
      "bad to",
      JSON.stringify({ v: 1, type: "ice", to: "bob", roomId: room, candidate: null }),
      "malformed",
    ],
    [
      "key 33 bytes",
      JSON.stringify({
        v: 1,
        type: "offer",
        to,
        roomId: room,
        publicKey: encodeBase64Url(new Uint8Array(33)),
        kemKey,
        sdp: "x",
      }),
      "malformed",
    ],
    [
      "padded key",
      JSON.stringify({
        v: 1,
        type: "offer",
        to,
        roomId: room,
        publicKey: key32 + "=",
        kemKey,
        sdp: "x",
      }),
      "malformed",
    ],
    [
      "protocol v1 offer (no kemKey)",
      JSON.stringify({ v: 1, type: "offer", to, roomId: room, publicKey: key32, sdp: "x" }),
      "malformed",
    ],
    [
      "ML-KEM key one byte short",
      JSON.stringify({
        v: 1,
        type: "answer",
        to,
        roomId: room,
        publicKey: key32,
        kemKey: encodeBase64Url(new Uint8Array(1183)),
        sdp: "x",
      }),
      "malformed",
    ],
    [
      "empty sdp",
      JSON.stringify({ v: 1, type: "offer", to, roomId: room, publicKey: key32, kemKey, sdp: "" }),
      "malformed",
    ],
    [
      "huge sdp",
      JSON.stringify({
        v: 1,
        type: "offer",
        to,
        roomId: room,
        publicKey: key32,
        kemKey,
        sdp: "x".repeat(MAX_SDP_LENGTH + 1),
      }),
      "malformed",
    ],
    [
      "ice index",
      JSON.stringify({
        v: 1,
        type: "ice",
        to,
        roomId: room,
        candidate: { candidate: "c", sdpMLineIndex: 1.5 },
      }),
      "malformed",
    ],
    [
      "ice extra",
      JSON.stringify({
        v: 1,
        type: "ice",
        to,
        roomId: room,
        candidate: { candidate: "c", evil: 1 },
      }),
      "malformed",
    ],
    ["long ref", JSON.stringify({ v: 1, type: "ping", ref: "r".repeat(65) }), "malformed"],
  ];
  for (const [name, text, code] of cases) {
    await t.step(name, () => {
      const r = parseClientMessage(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.code, code);
    });
  }
  await t.step("error: a protocol v1 offer is refused naming v1 and the missing key", () => {
    const r = parseClientMessage(
      JSON.stringify({ v: 1, type: "offer", to, roomId: room, publicKey: key32, sdp: "x" }),
    );
    assert.ok(!r.ok && r.code === "malformed" && /protocol v1/.test(r.reason));
    assert.ok(!r.ok && /ML-KEM-768/.test(r.reason));
  });
  await t.step("reason never echoes the frame's content", () => {
    const r = parseClientMessage(JSON.stringify({ v: 1, type: "join", roomId: "SECRET-VALUE" }));
    assert.ok(!r.ok && !r.reason.includes("SECRET"));
  });
  await t.step("ref is kept on refusals", () => {
    const r = parseClientMessage(JSON.stringify({ v: 1, type: "join", roomId: 1, ref: "abc" }));
    assert.ok(!r.ok && r.ref === "abc");
  });
});

Deno.test("parseServerMessage: round-trips server messages and refuses client ones", () => {
  const msgs: ServerMessage[] = [
    { v: 1, type: "joined", roomId: room.toLowerCase() as Hex, peers: [] },
    { v: 1, type: "error", code: "no-commitment", message: "m", ref: "x" },
    { v: 1, type: "pong" },
  ];
  for (const m of msgs) {
    const r = parseServerMessage(encodeWireMessage(m));
    assert.ok(r.ok);
    assert.deepEqual(r.message, m);
  }
  const bad = parseServerMessage(
    JSON.stringify({ v: 1, type: "error", code: "nope", message: "" }),
  );
  assert.ok(!bad.ok && bad.code === "malformed");
  assert.equal(parseServerMessage(JSON.stringify({ v: 1, type: "join", roomId: room })).ok, false);
});

Deno.test("parseServerMessage: joined may carry ICE servers; malformed ones refuse the frame", () => {
  const roomId = room.toLowerCase() as Hex;
  const ice = {
    iceServers: [
      { urls: ["stun:stun.example:3478"] },
      { urls: "turns:turn.example:443?transport=tcp", username: "1:0xabc", credential: "c" },
    ],
    iceTransportPolicy: "relay" as const,
  };
  const m: ServerMessage = { v: 1, type: "joined", roomId, peers: [], ice };
  const r = parseServerMessage(encodeWireMessage(m));
  assert.ok(r.ok);
  assert.deepEqual(r.message, m);
  assert.ok(isWireIceConfig(ice));
  const bad = [
    { iceServers: [{ urls: "http://turn.example" }] }, // not a STUN/TURN URL
    { iceServers: [{ urls: [] }] },
    { iceServers: [{ urls: "stun:a", password: "x" }] }, // unknown field
    { iceServers: Array.from({ length: 33 }, () => ({ urls: "stun:a" })) },
    { iceServers: [], iceTransportPolicy: "none" },
    { iceServers: [{ urls: "turn:a", username: "u".repeat(1025) }] },
  ];
  for (const b of bad) {
    assert.equal(isWireIceConfig(b), false, JSON.stringify(b).slice(0, 80));
    const p = parseServerMessage(JSON.stringify({ ...m, ice: b }));
    assert.equal(p.ok, false);
  }
});

Deno.test("encodeRelayedIce: the same text as encodeWireMessage of the ice message", () => {
  const from = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
  const roomId = room.toLowerCase() as Hex;
  const candidates = [
    null,
    { candidate: "" },
    { candidate: "candidate:1 1 udp 1 ::1 9 typ host", sdpMid: "0", sdpMLineIndex: 0 },
    { candidate: 'q"\\\u0000\n😀é', sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
    { candidate: "c", sdpMid: "a", sdpMLineIndex: 255, usernameFragment: "7Lq2" },
  ];
  for (const candidate of candidates) {
    const text = encodeRelayedIce(relayedIcePrefix(from, roomId), candidate);
    assert.equal(text, encodeWireMessage({ v: 1, type: "ice", from, roomId, candidate }));
    const back = parseServerMessage(text);
    assert.ok(back.ok && back.message.type === "ice");
    assert.deepEqual(back.message.candidate, candidate);
  }
});
