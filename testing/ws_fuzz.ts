/**
 * Test helper (not shipped): a seeded generator of hostile `/ws` frames for fuzz_test.ts.
 * Each frame has a kind and, where the protocol fixes it, the error codes it must get
 * (docs/PROTOCOL.md section 4).
 * @module
 */
import type { Address, Hex } from "viem";
import type { ErrorCode } from "../app/core/wire.ts";

/** A small fast seeded PRNG (mulberry32): the same seed gives the same frames. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a fuzzing socket knows to build its frames. */
export interface FuzzContext {
  me: Address;
  /** A member of `room` that never sends. */
  target: Address;
  /** The room this socket has joined. */
  room: Hex;
  /** A room this socket never joins (the honest pair's). */
  otherRoom: Hex;
  /** An honest member of `otherRoom`. */
  honest: Address;
  /** Keys matching the socket's current on-chain commitment in `room`. */
  keys: { publicKey: string; kemKey: string; sdp: string };
  /** Keys it committed before (stale since it re-committed). */
  staleKeys: { publicKey: string; kemKey: string; sdp: string };
  /** Largest frame in bytes the server accepts. */
  maxFrameBytes: number;
}

/** One generated frame. */
export interface FuzzFrame {
  kind: string;
  data: string | Uint8Array;
  /** Error codes the first answer must carry; undefined: any typed answer. */
  expect?: readonly ErrorCode[];
  /** Close code the socket must end with. */
  closes?: number;
  /** The frame needs the sender to be in `room`. */
  needsRoom?: boolean;
}

const PARSE: readonly ErrorCode[] = ["malformed", "unsupported-version", "unknown-type"];
const JUNK = [
  '"',
  "\\",
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "0",
  "9",
  "a",
  "Z",
  "é",
  "\u0000",
  "😀",
  " ",
];
const WEIGHTS: [string, number][] = [
  ["not-json", 8],
  ["truncated", 12],
  ["oversized", 3],
  ["binary", 5],
  ["wrong-type", 14],
  ["bad-version", 5],
  ["unknown-type", 5],
  ["extra-field", 6],
  ["non-object", 5],
  ["deep", 2],
  ["out-of-order", 15],
  ["replay", 6],
  ["mutated", 14],
];
const TOTAL = WEIGHTS.reduce((s, [, w]) => s + w, 0);

/**
 * Makes the next hostile frame.
 *
 * @example
 * ```ts
 * const keys = { publicKey: "A".repeat(43), kemKey: "A".repeat(1579), sdp: "v=0\r\n" };
 * const f = nextFrame(prng(1), {
 *   me: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
 *   target: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
 *   room: `0x${"ab".repeat(32)}`,
 *   otherRoom: `0x${"cd".repeat(32)}`,
 *   honest: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
 *   keys,
 *   staleKeys: keys,
 *   maxFrameBytes: 65536,
 * }); // e.g. { kind: "truncated", data: '{"v":1,"ty', expect: ["malformed"] }
 * ```
 */
export function nextFrame(rand: () => number, ctx: FuzzContext): FuzzFrame {
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const bases = baseFrames(ctx);
  let r = int(TOTAL);
  let kind = WEIGHTS[0][0];
  for (const [k, w] of WEIGHTS) {
    if (r < w) {
      kind = k;
      break;
    }
    r -= w;
  }
  switch (kind) {
    case "not-json": {
      const s = Array.from({ length: int(80) }, () => pick(JUNK)).join("");
      return { kind, data: pick(["", "{", "}{", "{'v':1}", "NaN", "undefined", "\uFEFF{}"]) + s };
    }
    case "truncated": {
      const text = JSON.stringify(pick(bases));
      return { kind, data: text.slice(0, 1 + int(text.length - 1)), expect: ["malformed"] };
    }
    case "oversized": {
      // Past the cap in bytes; half of them in 3-byte characters (fewer characters than bytes).
      const wide = rand() < 0.5;
      const n = ctx.maxFrameBytes + 1 + int(20_000);
      const pad = wide ? "€".repeat(Math.ceil(n / 3)) : "p".repeat(n);
      const data = JSON.stringify({ ...bases[5], sdp: ctx.keys.sdp + `a=x-pad:${pad}\r\n` });
      // Refused from the frame header before the payload is read: a close 1009, no error frame.
      return { kind, data, closes: 1009 };
    }
    case "binary": {
      const data = crypto.getRandomValues(new Uint8Array(21 + int(200)));
      if (rand() < 0.5) data.set(new TextEncoder().encode('{"v":1,"type":"ping"}').slice(0, 21));
      return { kind, data, expect: ["malformed"] };
    }
    case "wrong-type": {
      const base: Record<string, unknown> = structuredClone(pick(bases));
      const key = pick(Object.keys(base));
      // Only values that are wrong for that field (a string is a fine ref, null a fine candidate).
      const junk = [0, -1, 1.5, 2 ** 64, "", "x".repeat(int(300)), null, true, [], {}, [1], {
        v: 1,
      }].filter((j) =>
        !(typeof j === "string" && ["ref", "sdp", "publicKey"].includes(key)) &&
        !(j === null && key === "candidate") &&
        JSON.stringify(j) !== JSON.stringify(base[key])
      );
      const value = pick(junk);
      if (key === "candidate" && rand() < 0.5 && base.candidate) {
        base.candidate = { candidate: "c", sdpMLineIndex: pick([256, -1, 0.5, "0", null, 1e9]) };
        if ((base.candidate as { sdpMLineIndex: unknown }).sdpMLineIndex === null) {
          (base.candidate as { candidate: unknown }).candidate = 5;
        }
      } else base[key] = value;
      return { kind, data: JSON.stringify(base), expect: PARSE };
    }
    case "bad-version": {
      const v = pick([0, 2, "1", -1, null, true, 1.5, [1]]);
      return { kind, data: JSON.stringify({ ...pick(bases), v }), expect: ["unsupported-version"] };
    }
    case "unknown-type": {
      const type = pick([
        "hello",
        "JOIN",
        "offer ",
        "__proto__",
        "constructor",
        "toString",
        "welcome",
        "pong",
        "error",
        "presence",
        "",
      ]);
      return { kind, data: JSON.stringify({ ...pick(bases), type }), expect: ["unknown-type"] };
    }
    case "extra-field": {
      const text = JSON.stringify(pick(bases));
      const extra = pick([
        '"__proto__":{"v":2},',
        '"constructor":1,',
        '"x":null,',
        '"from":"0x00",',
      ]);
      return { kind, data: "{" + extra + text.slice(1), expect: ["malformed"] };
    }
    case "non-object": {
      const data = pick(["[]", "null", "1", '"join"', "true", '[{"v":1,"type":"ping"}]', "1e999"]);
      return { kind, data, expect: ["malformed"] };
    }
    case "deep": {
      const d = 1000 + int(Math.floor(ctx.maxFrameBytes / 2) - 1100);
      const nest = "[".repeat(d) + "]".repeat(d);
      return rand() < 0.5
        ? { kind, data: nest, expect: ["malformed"] }
        : { kind, data: `{"v":1,"type":"ping","ref":${nest}}`, expect: ["malformed"] };
    }
    case "out-of-order":
      return outOfOrder(pick, ctx);
    case "replay": {
      const data = JSON.stringify({ ...bases[5], ...ctx.staleKeys });
      return { kind, data, expect: ["commitment-mismatch"], needsRoom: true };
    }
    default: {
      const chars = [...JSON.stringify(pick(bases))];
      for (let i = 0, n = 1 + int(3); i < n; i++) {
        const at = int(chars.length);
        const op = int(3);
        if (op === 0) chars[at] = pick(JUNK);
        else if (op === 1) chars.splice(at, 1);
        else chars.splice(at, 0, pick(JUNK));
      }
      return { kind: "mutated", data: chars.join("") };
    }
  }
}

function outOfOrder(pick: <T>(xs: readonly T[]) => T, ctx: FuzzContext): FuzzFrame {
  const candidate = { candidate: "candidate:1 1 udp 1 127.0.0.1 5000 typ host", sdpMid: "0" };
  const cases: [string, object, ErrorCode][] = [
    ["ice-before-offer", { type: "ice", to: ctx.target, roomId: ctx.room, candidate }, "no-offer"],
    ["answer-without-offer", {
      type: "answer",
      to: ctx.target,
      roomId: ctx.room,
      ...ctx.keys,
    }, "no-offer"],
    ["leave-before-join", { type: "leave", roomId: ctx.otherRoom }, "not-in-room"],
    ["offer-before-join", {
      type: "offer",
      to: ctx.honest,
      roomId: ctx.otherRoom,
      ...ctx.keys,
    }, "not-in-room"],
    ["ice-to-absent", {
      type: "ice",
      to: "0x" + "ab".repeat(20),
      roomId: ctx.room,
      candidate,
    }, "peer-not-found"],
    [
      "offer-to-self",
      { type: "offer", to: ctx.me, roomId: ctx.room, ...ctx.keys },
      "peer-not-found",
    ],
    ["join-missing-room", { type: "join", roomId: "0x" + "cd".repeat(32) }, "room-not-found"],
  ];
  const [sub, body, code] = pick(cases);
  return {
    kind: `out-of-order/${sub}`,
    data: JSON.stringify({ v: 1, ...body }),
    expect: [code],
    needsRoom: true,
  };
}

/** Valid frames of every client type (index 5 is an offer to the target). */
function baseFrames(ctx: FuzzContext): Record<string, unknown>[] {
  return [
    { v: 1, type: "join", roomId: ctx.room },
    { v: 1, type: "leave", roomId: ctx.otherRoom },
    { v: 1, type: "ping", ref: "p" },
    {
      v: 1,
      type: "ice",
      to: ctx.target,
      roomId: ctx.room,
      candidate: { candidate: "candidate:1", sdpMid: "0", sdpMLineIndex: 0 },
    },
    { v: 1, type: "answer", to: ctx.target, roomId: ctx.room, ...ctx.keys },
    { v: 1, type: "offer", to: ctx.target, roomId: ctx.room, ...ctx.staleKeys },
  ];
}
