/**
 * Group consistency in a room of three (docs/PROTOCOL.md section 12), with the real engine, chain
 * and server and in-memory WebRTC (testing/fake_rtc.ts). Alice turns hostile after the honest
 * round: she shows Bob and Carol different texts under one id, leaves Carol out of a text that
 * names her, and tells Bob a member list without Carol. Each is caught and shown on screen.
 */
import assert from "node:assert/strict";
import type { Address } from "viem";
import { type Observed, startEngineBed, until } from "../../testing/engine_session.ts";
import { createRoom } from "../../testing/server.ts";
import { rosterHash } from "../core/group.ts";
import type { GroupFlag } from "./group_ledger.ts";
import type { PeerLink } from "./peer_link.ts";
import type { SessionState } from "./room_session.ts";

const openLinks = (s: SessionState) => s.links.filter((l) => l.state === "open").length;
const linkTo = (from: Observed, to: Observed): PeerLink =>
  from.s.links.find((l) => l.peer.toLowerCase() === to.s.wallet.address.toLowerCase())!;
const lower = (a: Address) => a.toLowerCase() as Address;

Deno.test("RoomSession group checks: a sender showing peers different histories is caught", async (t) => {
  const bed = await startEngineBed();
  try {
    const roomId = await createRoom(bed.chain, 1);
    const [alice, bob, carol] = [1, 2, 3].map((n) => bed.start(n, roomId, { missingGraceMs: 300 }));
    const people = [alice, bob, carol];
    for (const p of people) await until(p.s.state, (v) => openLinks(v) === 2, "two open links");
    const flags = new Map<Observed, GroupFlag[]>(people.map((p) => [p, []]));
    for (const p of people) p.s.events.on("group", (f) => flags.get(p)!.push(f));
    const entry = (p: Observed, id: string) =>
      until(p.chat.entries, (e) => e.some((x) => x.id === id), `${id} at ${p.s.wallet.address}`)
        .then((e) => e.find((x) => x.id === id)!);

    await t.step(
      "behavior: everyone sees the same roster, texts and receipts raise nothing",
      async () => {
        const rosters = await Promise.all(people.map((p) => p.s.roster()));
        assert.equal(new Set(rosters).size, 1);
        await alice.chat.send("hello both");
        const id = alice.chat.entries.value[0].id;
        await until(alice.chat.entries, (e) => e[0].deliveredBy.length === 2, "both receipts");
        for (const p of [bob, carol]) assert.equal((await entry(p, id)).text, "hello both");
        await bob.chat.send("hi from bob");
        await until(bob.chat.entries, (e) => e.at(-1)!.deliveredBy.length === 2, "bob's receipts");
        // Every receipt was echoed to the third member: by now each holds all reports.
        await new Promise((r) => setTimeout(r, 600));
        for (const p of people) {
          assert.deepEqual(flags.get(p), []);
          assert.ok(p.chat.entries.value.every((e) => e.warnings.length === 0));
        }
      },
    );

    await t.step(
      "error: two texts under one id, one to each peer, are flagged by both",
      async () => {
        const roster = await alice.s.roster();
        const sentAt = Date.now();
        await linkTo(alice, bob).send({ id: "x1", text: "the meeting is at 9", sentAt, roster });
        await linkTo(alice, carol).send({ id: "x1", text: "the meeting is at 11", sentAt, roster });
        for (const p of [bob, carol]) {
          const e = await until(
            p.chat.entries,
            (es) => es.some((x) => x.id === "x1" && x.warnings.length > 0),
            "equivocation warning",
          );
          const warned = e.find((x) => x.id === "x1")!;
          assert.match(warned.warnings[0], /got a different message from 0x[0-9a-fA-F]{4}…/);
          const f = flags.get(p)!.find((f) => f.id === "x1")!;
          assert.equal(f.kind, "equivocation");
          assert.equal(f.author, lower(alice.s.wallet.address));
          assert.equal(f.by, lower((p === bob ? carol : bob).s.wallet.address));
        }
        // Alice's own texts were not touched: the honest entries carry no warning.
        assert.ok(
          bob.chat.entries.value.filter((x) => x.id !== "x1").every((x) => !x.warnings.length),
        );
      },
    );

    await t.step(
      "error: a text that names Carol but only reaches Bob is flagged missing at Carol",
      async () => {
        const roster = await alice.s.roster();
        await linkTo(alice, bob).send({
          id: "x2",
          text: "only for bob",
          sentAt: Date.now(),
          roster,
        });
        await entry(bob, "x2");
        const notice = await until(
          {
            value: carol.notices,
            subscribe: (f) => carol.s.events.on("notice", () => f(carol.notices)),
          },
          (ns) => ns.some((n) => n.kind === "group-missing"),
          "missing notice",
        );
        assert.match(
          notice.find((n) => n.kind === "group-missing")!.message,
          /got a message from 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} that never reached you/,
        );
        assert.ok(!carol.chat.entries.value.some((e) => e.id === "x2"));
        assert.ok(!flags.get(bob)!.some((f) => f.id === "x2"), "Bob saw a consistent text");
      },
    );

    await t.step(
      "error: a member list without Carol, shown to Bob, is flagged at Bob",
      async () => {
        const partial = await rosterHash(roomId, [
          { address: alice.s.wallet.address, commitment: linkTo(bob, alice).verifiedCommitment! },
          { address: bob.s.wallet.address, commitment: linkTo(alice, bob).verifiedCommitment! },
        ]);
        await linkTo(alice, bob).send({
          id: "x3",
          text: "just us",
          sentAt: Date.now(),
          roster: partial,
        });
        const e = await until(
          bob.chat.entries,
          (es) => es.some((x) => x.id === "x3" && x.warnings.length > 0),
          "roster warning",
        );
        assert.match(
          e.find((x) => x.id === "x3")!.warnings[0],
          /sent this with a different member list than you see/,
        );
        // Carol is not told of a text whose list leaves her out: Bob's flag is the detection.
        await new Promise((r) => setTimeout(r, 600));
        assert.ok(!flags.get(carol)!.some((f) => f.id === "x3"));
      },
    );
  } finally {
    await bed.close();
  }
});
