/**
 * Test helper (not shipped): the traffic the `/ws` fuzz test (app/server/signaling/fuzz_test.ts)
 * runs alongside its hostile signed-in sockets: an honest pair signaling round after round with
 * every message counted, signed-out upgrade attempts, and raw TCP clients that break RFC 6455
 * framing. The hostile signed-in frames themselves come from ws_fuzz.ts.
 * @module
 */
import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { rawUpgrade, readUntilClosed, UPGRADE_HEADERS, upgradeStatus, wsFrame } from "./raw_ws.ts";
import { type Client, join, ORIGIN, signIn, type TestKeys } from "./server.ts";
import type { SignalingBed } from "./signaling_bed.ts";

const CANDIDATE = (r: number, i: number) => `candidate:${r} ${i} udp 1 127.0.0.1 5000 typ host`;

/** Signaling messages of the honest pair, by type. */
export interface Relayed {
  offer: number;
  answer: number;
  ice: number;
}

/** A signed-in member of the honest pair's room, connected, with the keys it committed. */
export interface HonestMember {
  c: Client;
  address: Address;
  keys: TestKeys;
}

/**
 * The honest pair in `honestRoom`: offer, answer and ICE both ways, round after round, every one
 * counted, until `running()` turns false (and at least `minRounds` rounds are done). A wait that
 * times out says what the sender was told instead.
 *
 * @returns The counts sent and received (they grow while it runs) and the rounds, once it ends.
 */
export function honestSignaling(
  honestRoom: Hex,
  [m1, m2]: [HonestMember, HonestMember],
  running: () => boolean,
  minRounds: number,
): { sent: Relayed; got: Relayed; rounds: Promise<number> } {
  const [h1, h2, a1, a2] = [m1.c, m2.c, m1.address, m2.address];
  const sent = { offer: 0, answer: 0, ice: 0 };
  const got = { offer: 0, answer: 0, ice: 0 };
  const desc = (type: string, to: Address, k: TestKeys, r: number) => ({
    v: 1,
    type,
    to,
    roomId: honestRoom,
    publicKey: k.publicKey,
    kemKey: k.kemKey,
    sdp: k.sdp + `a=x-round:${r}\r\n`,
  });
  const ice = (c: Client, to: Address, r: number) => {
    for (let i = 0; i < 2; i++) {
      c.send({
        v: 1,
        type: "ice",
        to,
        roomId: honestRoom,
        candidate: { candidate: CANDIDATE(r, i), sdpMid: "0" },
      });
      sent.ice++;
    }
  };
  /** A wait for the honest pair that, on timeout, says what the sender was told instead. */
  const relayed = async <T>(sender: Client, wait: Promise<T>): Promise<T> => {
    try {
      return await wait;
    } catch (e) {
      const told = sender.messages.map((m) => m.type === "error" ? `error:${m.code}` : m.type);
      throw new Error(`${(e as Error).message}; the sender was told ${told.join(", ")}`);
    }
  };
  const expectIce = async (c: Client, from: Address, r: number) => {
    for (let i = 0; i < 2; i++) {
      await relayed(
        c === h1 ? h2 : h1,
        c.next(
          "ice",
          (m) => m.from === from && m.candidate?.candidate === CANDIDATE(r, i),
          20_000,
        ),
      );
      got.ice++;
    }
  };
  const rounds = (async () => {
    let r = 0;
    for (; r < 100_000 && (running() || r < minRounds); r++) {
      h1.send(desc("offer", a2, m1.keys, r));
      sent.offer++;
      ice(h1, a2, r);
      await relayed(
        h1,
        h2.next("offer", (m) => m.sdp.endsWith(`a=x-round:${r}\r\n`), 20_000),
      );
      got.offer++;
      h2.send(desc("answer", a1, m2.keys, r));
      sent.answer++;
      ice(h2, a1, r);
      await expectIce(h2, a1, r);
      await relayed(
        h2,
        h1.next("answer", (m) => m.sdp.endsWith(`a=x-round:${r}\r\n`), 20_000),
      );
      got.answer++;
      await expectIce(h1, a2, r);
    }
    return r;
  })();
  return { sent, got, rounds };
}

/**
 * Signed-out attempts: first a socket of account `ended` in `roomId` (it must hold a commitment
 * there) is logged out and must get `unauthorized` and 1008; then `count` upgrades with no
 * cookie, a forged, oversized or ended session, a foreign or no Origin, not an upgrade, or POST
 * (the signed-in `cookie` where one is needed).
 *
 * @returns How many attempts ended with each `name:status`.
 */
export async function signedOutAttempts(
  bed: SignalingBed,
  o: { ended: number; roomId: Hex; cookie: string; count: number },
): Promise<Map<string, number>> {
  const { srv, chain, open } = bed;
  const refused = new Map<string, number>();
  const ended = await signIn(srv.base, chain, o.ended);
  const c = await open(ended.cookie);
  await join(c, o.roomId);
  const out = await fetch(srv.base + "/api/auth/logout", {
    method: "POST",
    headers: { origin: ORIGIN, cookie: ended.cookie },
  });
  await out.body?.cancel();
  assert.equal(await c.error(), "unauthorized");
  assert.equal(await c.closed(), 1008);
  const forged = "mesh3_session=" + "A".repeat(43);
  const cases: [string, Record<string, string>, string?][] = [
    ["no-cookie", { ...UPGRADE_HEADERS, origin: ORIGIN }],
    ["forged-cookie", { ...UPGRADE_HEADERS, origin: ORIGIN, cookie: forged }],
    ["huge-cookie", { ...UPGRADE_HEADERS, origin: ORIGIN, cookie: "a=" + "b".repeat(9000) }],
    ["ended-session", { ...UPGRADE_HEADERS, origin: ORIGIN, cookie: ended.cookie }],
    ["foreign-origin", { ...UPGRADE_HEADERS, origin: "http://evil.test", cookie: o.cookie }],
    ["no-origin", { ...UPGRADE_HEADERS, cookie: o.cookie }],
    ["not-upgrade", { origin: ORIGIN, cookie: o.cookie }],
    ["post", { ...UPGRADE_HEADERS, origin: ORIGIN, cookie: o.cookie }, "POST"],
  ];
  for (let i = 0; i < o.count; i++) {
    const [name, headers, method] = cases[i % cases.length];
    const status = await upgradeStatus(srv.base, headers, method);
    const key = `${name}:${status}`;
    refused.set(key, (refused.get(key) ?? 0) + 1);
  }
  return refused;
}

const enc = new TextEncoder();
const PING = enc.encode('{"v":1,"type":"ping"}');
/** Frames that break RFC 6455 itself (the `ws` parser refuses them, unmasked client frames
 * included: the connection is dropped), and a fragmented one it reassembles (answered). */
const RAW: [string, Uint8Array, "dropped" | "answered"][] = [
  ["reserved-opcode", wsFrame(PING, { opcode: 3 }), "dropped"],
  ["rsv1-without-extension", wsFrame(PING, { rsv: 4 }), "dropped"],
  ["invalid-utf8", wsFrame(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), "dropped"],
  ["lone-continuation", wsFrame(PING, { opcode: 0 }), "dropped"],
  ["control-over-125", wsFrame(new Uint8Array(200), { opcode: 9 }), "dropped"],
  ["fragmented-control", wsFrame(new Uint8Array(2), { opcode: 9, fin: false }), "dropped"],
  ["close-code-999", wsFrame(new Uint8Array([0x03, 0xe7]), { opcode: 8 }), "dropped"],
  ["length-2^62", wsFrame(enc.encode("{"), { length: 1n << 62n }), "dropped"],
  ["unmasked", wsFrame(PING, { mask: false }), "dropped"],
  [
    "fragmented-text",
    new Uint8Array([
      ...wsFrame(PING.subarray(0, 7), { fin: false }),
      ...wsFrame(PING.subarray(7), { opcode: 0 }),
    ]),
    "answered",
  ],
];

/**
 * Sends `count` raw frames, in turn from the table above, each on a fresh raw TCP upgrade with
 * the signed-in `cookie`, and pushes to `violations` every frame not dropped or answered as
 * expected.
 *
 * @returns How many frames ended with each `name:outcome` (and close code, when one came).
 */
export async function rawFrameAttempts(
  base: string,
  cookie: string,
  count: number,
  violations: string[],
): Promise<Map<string, number>> {
  const raw = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const [name, bytes, want] = RAW[i % RAW.length];
    const conn = await rawUpgrade(base, cookie);
    await conn.write(bytes);
    const end = await readUntilClosed(conn, 10_000, { text: /"type":"pong"/ });
    const outcome = end.matched ? "answered" : end.eof ? "dropped" : "open";
    if (outcome !== want) violations.push(`raw ${name}: ${outcome}, expected ${want}`);
    const key = `${name}:${outcome}${end.closeCode ? `+close:${end.closeCode}` : ""}`;
    raw.set(key, (raw.get(key) ?? 0) + 1);
    conn.close();
  }
  return raw;
}
