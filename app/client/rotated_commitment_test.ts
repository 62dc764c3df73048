/**
 * A peer's commitment replaced on the real chain while a link is being made or is open
 * (issue 11, pre-read commitments): the link compares the peer's description with a commitment
 * read when the peer appeared, so the chain must still have the last word. The engine runs against
 * the real server and chain (testing/engine_session.ts); the answerer's server frames are held
 * at its edge to put the change exactly between the pre-read and the offer.
 */
import assert from "node:assert/strict";
import type { Address } from "viem";
import { walletConnection } from "../../testing/engine_io.ts";
import { startEngineBed, until } from "../../testing/engine_session.ts";
import { commit, createRoom, makeKeys } from "../../testing/server.ts";
import type { LinkState } from "./link_types.ts";
import type { WalletConnection } from "./wallet.ts";

const MISMATCH = /^Refused the peer's connection: its keys do not match its on-chain commitment/;

Deno.test("rotated commitment: replaced between the pre-read and the offer: refused, never opens", async () => {
  const bed = await startEngineBed();
  try {
    const roomId = await createRoom(bed.chain, 1);
    // Account 2 has the lower address: it offers, account 1 answers.
    const offerer = walletConnection(bed.chain, 2).address.toLowerCase();
    let prereadDone = () => {};
    const preread = new Promise<void>((r) => prereadDone = r);
    // The answerer's wallet tells when its read of the offerer's commitment has come back.
    const seeReads = (w: WalletConnection): WalletConnection => {
      const read = w.publicClient.readContract;
      const readContract = (async (args: Parameters<typeof read>[0]) => {
        const value = await read(args);
        const member = (args.args as readonly unknown[] | undefined)?.[1];
        if (args.functionName === "commitmentOf" && String(member).toLowerCase() === offerer) {
          prereadDone();
        }
        return value;
      }) as typeof read;
      // A copy: the chain's client is shared with the other session and the test.
      return { ...w, publicClient: { ...w.publicClient, readContract } };
    };
    let release = () => {};
    const released = new Promise<void>((r) => release = r);
    let offerHeld = () => {};
    const held = new Promise<void>((r) => offerHeld = r);
    // The server checked and relayed the offer; the answerer gets it only once released.
    const holdOffer = (frame: string) => {
      if (JSON.parse(frame).type !== "offer") return frame;
      offerHeld();
      return released.then(() => frame);
    };
    const answerer = bed.start(1, roomId, { tamper: holdOffer, wallet: seeReads });
    const states = new Set<LinkState>();
    answerer.s.state.subscribe((v) => v.links.forEach((l) => states.add(l.state)));
    await until(answerer.s.state, (v) => v.step === "ready", "answerer ready", 30_000);
    bed.start(2, roomId);
    await Promise.all([held, preread]);
    // The offerer's commitment is replaced on chain (its wallet commits other keys).
    await commit(bed.chain, 2, roomId, makeKeys(bed.chain, roomId));
    release();
    const v = await until(answerer.s.state, (s) => s.links[0]?.ended, "link refused", 30_000);
    const link = v.links[0];
    assert.equal(link.peer.toLowerCase(), offerer);
    assert.equal(link.state, "refused");
    assert.equal(link.status.value.problem?.kind, "commitment-mismatch");
    assert.match(link.status.value.problem!.message, MISMATCH);
    assert.equal(link.status.value.safetyNumber, null);
    assert.ok(!states.has("open"), `the link opened: ${[...states]}`);
    assert.ok(answerer.notices.some((n) => n.kind === "commitment-mismatch"));
    assert.deepEqual(answerer.chat.entries.value, []);
  } finally {
    await bed.close();
  }
});

Deno.test("rotated commitment: replaced after the link opened: the chain watch closes it and says why", async () => {
  const bed = await startEngineBed();
  try {
    const roomId = await createRoom(bed.chain, 1);
    const a = bed.start(1, roomId);
    await until(a.s.state, (v) => v.step === "ready", "a ready", 30_000);
    const b = bed.start(2, roomId);
    const open = (p: typeof a) =>
      until(p.s.state, (v) => v.links[0]?.state === "open", "open link", 30_000);
    await Promise.all([open(a), open(b)]);
    const peer: Address = a.s.links[0].peer;
    await commit(bed.chain, 2, roomId, makeKeys(bed.chain, roomId)); // b's commitment replaced
    // The watch reads the head every 2 s: the new block makes it read b's commitment again.
    const v = await until(
      a.s.state,
      (s) => s.links.some((l) => l.peer === peer && l.ended),
      "link closed by the chain watch",
      30_000,
    );
    const link = v.links.find((l) => l.peer === peer)!;
    assert.equal(link.status.value.problem?.kind, "commitment-mismatch");
    assert.match(
      link.status.value.problem!.message,
      /^Closed the connection: the peer's key commitment on chain changed since it was verified/,
    );
    assert.ok(a.notices.some((n) => n.kind === "commitment-mismatch"));
  } finally {
    await bed.close();
  }
});
