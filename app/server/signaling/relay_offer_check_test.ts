/**
 * The offer check's case table (testing/offer_check_cases.ts) against the server, on a real test
 * chain: through a signed-in socket and the real hub (what a client sees: the join's refusal for a
 * room that cannot be used or a member with no commitment, who never gets in the room, else the
 * relay's answer to the offer), and through the relay's check
 * in process with the server's own chain view (every refusal reaches it, with its wire code). The
 * chain-down case closes the chain's listener: a real outage.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../../testing/chain.ts";
import {
  OFFER_CHECK_CASES,
  type OfferCheckCase,
  type OfferCheckFixture,
  wireCode,
} from "../../../testing/offer_check_cases.ts";
import { makeOfferCheckFixture } from "../../../testing/offer_check_fixture.ts";
import { type Client, join } from "../../../testing/server.ts";
import { type SignalingBed, startSignalingBed } from "../../../testing/signaling_bed.ts";
import { waitUntil } from "../../../testing/wait_until.ts";
import { CommitmentMemo } from "./commitment_memo.ts";
import { checkDescription, RelayRefusal } from "./relay.ts";

/** What the socket of the case's member gets: "accepted" when the receiver got the offer. */
async function overSocket(
  sockets: Record<"sender" | "uncommitted" | "receiver", Client>,
  f: OfferCheckFixture,
  c: OfferCheckCase,
  n: number,
): Promise<string> {
  const d = c.build(f);
  const socket = sockets[d.member];
  const ref = `case-${n}`;
  if (d.roomId !== f.rooms.open || d.member === "uncommitted") {
    socket.send({ v: 1, type: "join", roomId: d.roomId, ref });
    const answer = await answerTo(socket, ref);
    return answer?.type === "error" ? answer.code : answer?.type ?? "no answer";
  }
  const { roomId, publicKey, kemKey, sdp } = d;
  // Mallory (the receiver) offers to the sender; everyone else to the receiver.
  const to = d.member === "receiver" ? f.accounts.sender.address : f.accounts.receiver.address;
  socket.send({ v: 1, type: "offer", to, roomId, publicKey, kemKey, sdp, ref });
  const refused = await answerTo(socket, ref);
  if (refused?.type === "error") return refused.code;
  const relayed = await sockets.receiver.next("offer", (o) => o.sdp === d.sdp);
  assert.deepEqual(
    [relayed.from, relayed.publicKey, relayed.roomId],
    [f.accounts[d.member].address, d.publicKey, d.roomId],
  );
  return "accepted";
}

/** The socket's answer to the frame with `ref` (an error, or `joined`), if any: a ping sent
 * behind it is handled after it (frames are handled in order per socket). */
async function answerTo(socket: Client, ref: string) {
  socket.send({ v: 1, type: "ping", ref: `${ref}-barrier` });
  await socket.next("pong", (p) => p.ref === `${ref}-barrier`);
  return socket.messages.find((m) => (m.type === "error" || m.type === "joined") && m.ref === ref);
}

/** What the relay's check answers in process, as a wire code or "accepted". */
async function inProcess(bed: SignalingBed, f: OfferCheckFixture, c: OfferCheckCase) {
  const d = c.build(f);
  const deps = {
    view: bed.srv.server.view,
    chainId: f.chainId,
    registry: f.registry,
    memo: new CommitmentMemo({ chainId: f.chainId, registry: f.registry }),
  };
  try {
    const { roomId, publicKey, kemKey, sdp } = d;
    await checkDescription(deps, {
      roomId,
      publicKey,
      kemKey,
      sdp,
      from: f.accounts[d.member].address,
    });
    return "accepted";
  } catch (e) {
    if (e instanceof RelayRefusal) return e.code;
    throw e;
  }
}

Deno.test("relay: every case of the shared offer-check table, over a socket and in process", async (t) => {
  const chain = await startTestChain();
  try {
    const f = await makeOfferCheckFixture(chain);
    const bed = await startSignalingBed({ chain });
    const view = bed.srv.server.view;
    try {
      const sockets = {
        sender: (await bed.connect(f.accounts.sender.index)).c,
        uncommitted: (await bed.connect(f.accounts.uncommitted.index)).c,
        receiver: (await bed.connect(f.accounts.receiver.index)).c,
      };
      for (const s of [sockets.sender, sockets.receiver]) await join(s, f.rooms.open);
      for (const [n, c] of OFFER_CHECK_CASES.entries()) {
        if (c.chain === "down" && view.healthy) {
          await chain.goOffline();
          assert.equal(await waitUntil(() => view.healthy, (healthy) => !healthy), false);
        }
        await t.step(`socket: ${c.name}`, async () => {
          assert.equal(await overSocket(sockets, f, c, n), c.wire ?? wireCode(c.expect));
        });
        await t.step(`relay check: ${c.name}`, async () => {
          assert.equal(await inProcess(bed, f, c), wireCode(c.expect));
        });
      }
    } finally {
      await chain.goOnline();
      await bed.close();
    }
  } finally {
    await chain.stop();
  }
});
