import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { type FuzzContext, nextFrame, prng } from "../../../testing/ws_fuzz.ts";
import { encodeBase64Url } from "../../core/bytes.ts";
import { parseClientMessage } from "../../core/wire.ts";
import { fastClientMessage } from "./fast_client_message.ts";
import { parseClientFrame, type ParseMemo } from "./parse_client_frame.ts";
import {
  MAX_CANDIDATE_LENGTH,
  MAX_REF_LENGTH,
  MAX_SDP_LENGTH,
  MAX_SDP_MID_LENGTH,
  MAX_USERNAME_FRAGMENT_LENGTH,
} from "../../core/wire_rules.ts";

const FRAMES = 20_000;
const room = ("0x" + "aB".repeat(32)) as Hex;
const to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const key32 = encodeBase64Url(new Uint8Array(32).fill(7));
const key65 = encodeBase64Url(new Uint8Array(65).fill(4));
const kem = encodeBase64Url(new Uint8Array(1184).fill(5));
const sdp = "v=0\r\na=fingerprint:sha-256 " + Array(32).fill("AB").join(":") + "\r\n";

/** One connection's memo across all frames of a test, as a socket keeps it. */
let memo: ParseMemo = {};

/** Parses with the server's fast path (with and without a connection's memo) and with the core's
 * schemas alone; all must give the same result, byte for byte. */
function same(text: string): "fast" | "schema" | "refused" {
  const fast = parseClientFrame(text);
  const reference = parseClientMessage(text);
  const memoised = parseClientFrame(text, memo);
  assert.deepStrictEqual(fast, reference, text.slice(0, 300));
  assert.equal(JSON.stringify(fast), JSON.stringify(reference), text.slice(0, 300));
  assert.deepStrictEqual(memoised, reference, text.slice(0, 300));
  if (!fast.ok) return "refused";
  const raw = JSON.parse(text);
  return fastClientMessage(raw) === undefined ? "schema" : "fast";
}

/** A seeded generator of frames close to valid: every field at, inside and past its rule. */
function nearValid(rand: () => number): string {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const maybe = (p: number) => rand() < p;
  const hex = (n: number) =>
    Array.from({ length: n }, () => pick([..."0123456789abcdefABCDEF"])).join("");
  const s = (n: number) => "x".repeat(n);
  const addresses = [to, to.toLowerCase(), to.toUpperCase().replace("0X", "0x"), "0x" + hex(40)];
  const rooms = [room, room.toLowerCase(), "0x" + hex(64)];
  const bad = [
    "0x" + hex(39),
    "0x" + hex(41),
    "0X" + hex(40),
    hex(42),
    "0x" + hex(38) + "zz",
    "",
    0,
    null,
    [],
    {},
  ];
  const candidate = () => {
    if (maybe(0.15)) return pick([null, "c", 0, [], [{ candidate: "c" }], true]);
    const c: Record<string, unknown> = {
      candidate: pick([
        "candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ srflx",
        "",
        s(MAX_CANDIDATE_LENGTH),
        s(MAX_CANDIDATE_LENGTH + 1),
        "é😀\u0000",
        5,
        null,
      ]),
    };
    if (maybe(0.1)) delete c.candidate;
    if (maybe(0.6)) c.sdpMid = pick(["0", "", null, s(MAX_SDP_MID_LENGTH), s(65), 0, true]);
    if (maybe(0.6)) {
      c.sdpMLineIndex = pick([0, 1, 255, 256, -1, 1.5, -0, null, "0", 1e9, 2 ** 53, true]);
    }
    if (maybe(0.4)) {
      c.usernameFragment = pick([
        "7Lq2",
        null,
        "",
        s(MAX_USERNAME_FRAGMENT_LENGTH),
        s(MAX_USERNAME_FRAGMENT_LENGTH + 1),
        1,
      ]);
    }
    if (maybe(0.05)) c[pick(["evil", "__proto__", "constructor", "toString"])] = 1;
    // Browsers send the fields in schema order; others may not.
    return maybe(0.3) ? Object.fromEntries(Object.entries(c).sort(() => rand() - 0.5)) : c;
  };
  const type = pick(["ice", "ice", "ice", "offer", "answer", "join", "leave", "ping"]);
  const m: Record<string, unknown> = { v: maybe(0.95) ? 1 : pick([2, "1", 1.5, null]), type };
  if (type === "ice" || type === "offer" || type === "answer") {
    m.to = maybe(0.9) ? pick(addresses) : pick(bad);
  }
  if (type !== "ping") m.roomId = maybe(0.9) ? pick(rooms) : pick(bad);
  if (type === "ice") m.candidate = candidate();
  if (type === "offer" || type === "answer") {
    m.publicKey = maybe(0.9)
      ? pick([key32, key65])
      : pick([key32 + "=", key32.slice(1), key65.slice(1), "+".repeat(43), "", 5]);
    m.kemKey = maybe(0.9) ? kem : pick([kem.slice(1), kem + "A", "", 3, null]);
    m.sdp = maybe(0.9) ? sdp : pick(["", s(MAX_SDP_LENGTH), s(MAX_SDP_LENGTH + 1), 7, null]);
  }
  if (maybe(0.3)) m.ref = pick(["r1", "", s(MAX_REF_LENGTH), s(MAX_REF_LENGTH + 1), 1, null]);
  for (const k of ["to", "roomId", "candidate", "publicKey", "kemKey", "sdp", "v", "type"]) {
    if (maybe(0.02)) delete m[k];
  }
  if (maybe(0.05)) m[pick(["from", "x", "constructor", "toString", "valueOf"])] = 1;
  // Shuffle the key order: the output must come out in schema order either way.
  const entries = Object.entries(m).sort(() => rand() - 0.5);
  let text = JSON.stringify(Object.fromEntries(entries));
  // An own "__proto__" key, or a duplicate key (JSON.parse keeps the last).
  if (maybe(0.03)) text = '{"__proto__":{"v":1},' + text.slice(1);
  if (maybe(0.03)) text = '{"type":"hello",' + text.slice(1);
  return text;
}

Deno.test("parseClientFrame: same result as the schemas on near-valid frames", () => {
  const rand = prng(0x77697265);
  memo = {};
  const seen = { fast: 0, schema: 0, refused: 0 };
  const fastTypes = new Set<string>();
  for (let i = 0; i < FRAMES; i++) {
    const text = nearValid(rand);
    const how = same(text);
    seen[how]++;
    if (how === "fast") fastTypes.add(JSON.parse(text).type);
  }
  // The fast path really ran on every type, and the schemas still refused plenty.
  assert.deepEqual([...fastTypes].sort(), ["answer", "ice", "join", "leave", "offer", "ping"]);
  assert.ok(seen.fast > FRAMES / 10 && seen.refused > FRAMES / 10, JSON.stringify(seen));
  // What the fast path accepts, the schemas accept: nothing falls to them that they take.
  assert.equal(seen.schema, 0, JSON.stringify(seen));
});

Deno.test("parseClientFrame: same result as the schemas on the /ws fuzz corpus", () => {
  const ctx: FuzzContext = {
    me: to,
    target: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
    room,
    otherRoom: ("0x" + "cd".repeat(32)) as Hex,
    honest: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    keys: { publicKey: key32, kemKey: kem, sdp },
    staleKeys: { publicKey: key65, kemKey: kem, sdp: sdp.replace("AB", "CD") },
    maxFrameBytes: 65536,
  };
  const rand = prng(0x6d657368);
  memo = {};
  let texts = 0;
  for (let i = 0; i < FRAMES; i++) {
    const { data } = nextFrame(rand, ctx);
    if (typeof data !== "string") continue;
    same(data);
    texts++;
  }
  assert.ok(texts > FRAMES / 2);
});

Deno.test("parseClientFrame: the frames of the relay, one by one", async (t) => {
  const candidate = { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" };
  const cases: [string, unknown, "fast" | "refused"][] = [
    ["ice", { v: 1, type: "ice", to, roomId: room, candidate }, "fast"],
    ["ice, keys in another order", { candidate, roomId: room, to, type: "ice", v: 1 }, "fast"],
    ["ice end of candidates", { v: 1, type: "ice", to, roomId: room, candidate: null }, "fast"],
    ["ice with ref", { v: 1, type: "ice", to, roomId: room, candidate, ref: "r" }, "fast"],
    [
      "offer",
      { v: 1, type: "offer", to, roomId: room, publicKey: key32, kemKey: kem, sdp },
      "fast",
    ],
    ["answer", {
      v: 1,
      type: "answer",
      to,
      roomId: room,
      publicKey: key65,
      kemKey: kem,
      sdp,
    }, "fast"],
    [
      "offer v1 (no kemKey)",
      { v: 1, type: "offer", to, roomId: room, publicKey: key32, sdp },
      "refused",
    ],
    ["ping", { v: 1, type: "ping" }, "fast"],
    ["ice without candidate", { v: 1, type: "ice", to, roomId: room }, "refused"],
    ["ice, extra field", { v: 1, type: "ice", to, roomId: room, candidate, x: 1 }, "refused"],
    ["ice, candidate array", { v: 1, type: "ice", to, roomId: room, candidate: [] }, "refused"],
    ["offer, no sdp", {
      v: 1,
      type: "offer",
      to,
      roomId: room,
      publicKey: key32,
      kemKey: kem,
    }, "refused"],
  ];
  for (const [name, message, expected] of cases) {
    await t.step(name, () => assert.equal(same(JSON.stringify(message)), expected));
  }
  await t.step("to and roomId come out in lower case", () => {
    const r = parseClientFrame(JSON.stringify(cases[0][1]));
    assert.ok(r.ok && r.message.type === "ice");
    assert.equal(r.message.to, to.toLowerCase());
    assert.equal(r.message.roomId, room.toLowerCase());
  });
});
