/**
 * What a hostile server can make the browser engine do (issue 10): the engine runs against the
 * real server and chain (testing/engine_session.ts), and the server's answers to one browser are
 * rewritten at its edges, as a hostile server would send them.
 */
import assert from "node:assert/strict";
import type { EngineIO } from "./io.ts";
import { startEngineBed, until } from "../../testing/engine_session.ts";
import { closeRoom, createRoom } from "../../testing/server.ts";
import { MAX_SIGN_IN_PROMPTS, type SessionState } from "./room_session.ts";
import type { WalletConnection } from "./wallet.ts";

Deno.test("hostile server: a server that keeps refusing gets a capped number of wallet prompts", async () => {
  const bed = await startEngineBed();
  try {
    const roomId = await createRoom(bed.chain, 1);
    let prompts = 0;
    let sockets = 0;
    let hostile = false;
    const countPrompts = (w: WalletConnection): WalletConnection => {
      const sign = w.walletClient.signMessage;
      w.walletClient.signMessage = (args) => (prompts++, sign(args));
      return w;
    };
    // Once hostile, the server says "signed out" and refuses every socket (an upgrade without
    // the session cookie is refused by the real server), so the engine signs in again.
    const refusing = (io: EngineIO): EngineIO => ({
      ...io,
      async fetch(input, init) {
        if (hostile && new URL(String(input)).pathname === "/api/auth/me") {
          return Response.json({ address: null });
        }
        return await io.fetch(input, init);
      },
      openSocket(url) {
        sockets++;
        if (!hostile) return io.openSocket(url);
        return new WebSocket(`${bed.srv.base.replace(/^http/, "ws")}/ws`);
      },
    });
    const alice = bed.start(1, roomId, { io: refusing, wallet: countPrompts });
    await until(alice.s.state, (v) => v.step === "ready", "alice ready");
    assert.equal(prompts, 1); // the sign-in of the join
    hostile = true;
    alice.s.dropSocket();
    const notice = await until(
      {
        value: alice.notices,
        subscribe: (f) => alice.s.events.on("notice", () => f(alice.notices)),
      },
      (ns) => ns.some((n) => n.kind === "sign-in-refused"),
      "the notice that it stopped asking",
      60_000,
    );
    assert.match(
      notice.find((n) => n.kind === "sign-in-refused")!.message,
      /^The server keeps refusing your sign-in: stopped asking your wallet to sign after 3 tries/,
    );
    assert.equal(prompts, 1 + MAX_SIGN_IN_PROMPTS);
    // The socket keeps trying (bounded by its own backoff), the wallet is not asked again.
    const seen = sockets;
    await until(
      { value: sockets, subscribe: (f) => pollEvery(100, () => f(sockets)) },
      (n) => n >= seen + 2,
      "two more reconnect attempts",
      60_000,
    );
    assert.equal(prompts, 1 + MAX_SIGN_IN_PROMPTS);
    assert.equal(alice.notices.filter((n) => n.kind === "sign-in-refused").length, 1);
  } finally {
    await bed.close();
  }
});

Deno.test("hostile server: a close or an expiry it hides still ends the session", async (t) => {
  const bed = await startEngineBed();
  const openLinks = (v: SessionState) => v.links.filter((l) => l.state === "open").length;
  // The server never tells these browsers that the room is over.
  const hideEnd = (frame: string) => /"code":"room-(closed|expired)"/.test(frame) ? null : frame;
  try {
    await t.step("closed on chain: both sessions end and say why", async () => {
      const roomId = await createRoom(bed.chain, 1);
      const [a, b] = [1, 2].map((n) => bed.start(n, roomId, { tamper: hideEnd }));
      for (const p of [a, b]) await until(p.s.state, (v) => openLinks(v) === 1, "open link");
      await closeRoom(bed.chain, 1, roomId);
      for (const p of [a, b]) {
        const v = await until(p.s.state, (s) => s.fatal !== null, "session end", 20_000);
        assert.equal(v.fatal, "The room was closed by its creator.");
        assert.equal(v.links[0].state, "closed");
      }
    });

    await t.step("expired: both sessions end and say why", async () => {
      // The browser judges expiry by its own clock: a room that expires seconds from now.
      const block = await bed.chain.publicClient.getBlock();
      const now = Math.max(Number(block.timestamp), Math.floor(Date.now() / 1000));
      const roomId = await createRoom(bed.chain, 3, { expiresAt: BigInt(now + 10) });
      const [a, b] = [3, 4].map((n) => bed.start(n, roomId, { tamper: hideEnd }));
      for (const p of [a, b]) await until(p.s.state, (v) => openLinks(v) === 1, "open link");
      for (const p of [a, b]) {
        const v = await until(p.s.state, (s) => s.fatal !== null, "session end", 30_000);
        assert.equal(v.fatal, "The room has expired.");
      }
    });
  } finally {
    await bed.close();
  }
});

Deno.test("hostile server: a listed peer with no commitment gets no offer", async () => {
  const bed = await startEngineBed();
  try {
    const roomId = await createRoom(bed.chain, 1);
    // The server lists a stranger (above our address, so we would be the one to offer).
    const stranger = "0xfFfFfFffFfFFffFFfFfFFffffFfFfFFfFFFfffff";
    const listStranger = (frame: string) => {
      const m = JSON.parse(frame);
      if (m.type === "joined") m.peers.push(stranger);
      return JSON.stringify(m);
    };
    const sent: string[] = [];
    const recordSends = (io: EngineIO): EngineIO => ({
      ...io,
      openSocket(url) {
        const ws = io.openSocket(url);
        const send = ws.send.bind(ws);
        ws.send = (data) => (sent.push(String(data)), send(data));
        return ws;
      },
    });
    const alice = bed.start(1, roomId, { tamper: listStranger, io: recordSends });
    const v = await until(alice.s.state, (s) => s.links[0]?.ended === true, "link ended");
    const { problem } = v.links[0].status.value;
    assert.equal(problem?.kind, "not-committed");
    assert.equal(
      problem?.message,
      "Not connecting to this peer: it has no key commitment on chain in this room",
    );
    assert.ok(alice.notices.some((n) => n.kind === "not-committed"));
    const toStranger = sent.map((f) => JSON.parse(f)).filter((m) =>
      m.to?.toLowerCase() === stranger.toLowerCase()
    );
    assert.deepEqual(toStranger, []);
  } finally {
    await bed.close();
  }
});

/** Calls `f` every `ms` until unsubscribed (a store-like view of a plain variable). */
function pollEvery(ms: number, f: () => void): () => void {
  const timer = setInterval(f, ms);
  return () => clearInterval(timer);
}
