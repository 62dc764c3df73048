/**
 * The browser engine's join sequence in Deno: real chain (EDR), real Mesh3 server, real wallet
 * signatures; only WebRTC is in memory (testing/fake_rtc.ts, which checks DTLS fingerprints as
 * browsers do). The browser tests (tests/browser/) run the same engine in Chromium.
 */
import assert from "node:assert/strict";
import type { Address } from "viem";
import { walletConnection } from "../../testing/engine_io.ts";
import { startEngineBed, until } from "../../testing/engine_session.ts";
import { closeRoom, createRoom } from "../../testing/server.ts";
import { encodeBase64Url } from "../core/bytes.ts";
import { memberList } from "./members.ts";
import type { SessionState } from "./room_session.ts";

const openLinks = (s: SessionState) => s.links.filter((l) => l.state === "open").length;

Deno.test("RoomSession: the join sequence against the real server and chain", async (t) => {
  const bed = await startEngineBed();
  const { chain } = bed;
  const start = (
    account: number,
    roomId: `0x${string}`,
    members: ReturnType<typeof memberList> | null = null,
    tamper?: (frame: string) => string | null,
  ) => bed.start(account, roomId, { members, tamper });
  try {
    await t.step("two people join, verify each other and chat with receipts", async () => {
      const roomId = await createRoom(chain, 1);
      const alice = start(1, roomId);
      await until(alice.s.state, (v) => v.step === "ready", "alice ready");
      assert.deepEqual(alice.steps, ["room", "keys", "commit", "sign-in", "socket", "ready"]);
      assert.equal(alice.s.state.value.commitTx.phase, "mined");
      const bob = start(2, roomId);
      for (const p of [alice, bob]) await until(p.s.state, (v) => openLinks(v) === 1, "open link");
      const [la, lb] = [alice.s.links[0], bob.s.links[0]];
      assert.equal(la.peer, walletConnection(chain, 2).address);
      assert.match(la.status.value.safetyNumber ?? "", /^(\d{5} ){11}\d{5}$/);
      assert.equal(la.status.value.safetyNumber, lb.status.value.safetyNumber);
      // The path is read from the stats just after the link opens.
      await until(la.status, (v) => v.path !== null, "path");
      assert.equal(la.status.value.path, "direct");

      await alice.chat.send("hello bob");
      const got = await until(bob.chat.entries, (e) => e.length === 1, "bob receives");
      assert.equal(got[0].text, "hello bob");
      assert.equal(got[0].mine, false);
      const mine = await until(
        alice.chat.entries,
        (e) => e[0]?.status === "delivered",
        "receipt",
      );
      assert.deepEqual(mine[0].deliveredBy, [lb.session.self.toLowerCase()]);
      assert.ok(bob.s.timing.firstMessageAt >= alice.s.timing.commitMinedAt);

      // Leaving sends a goodbye: the other side shows the peer left at once.
      alice.s.stop();
      await until(bob.s.state, (v) => v.links[0].state === "closed", "bob sees alice leave");
      assert.equal(bob.s.links[0].status.value.problem?.kind, "peer-left");
      assert.ok(bob.notices.some((n) => n.kind === "peer-left"));
      bob.s.stop();
    });

    await t.step(
      "error: an unknown, closed or expired room ends the session with why",
      async () => {
        const unknown = start(3, `0x${"ab".repeat(32)}`);
        let v = await until(unknown.s.state, (s) => s.fatal !== null, "fatal");
        assert.equal(v.fatal, "There is no such room on chain.");
        assert.equal(v.step, "room");

        const closed = await createRoom(chain, 3);
        await closeRoom(chain, 3, closed);
        const c = start(3, closed);
        v = await until(c.s.state, (s) => s.fatal !== null, "fatal");
        assert.equal(v.fatal, "The room was closed by its creator.");

        // The browser judges expiry by its own clock: a room that expires two seconds from now.
        const block = await chain.publicClient.getBlock();
        const at = BigInt(Math.max(Number(block.timestamp), Math.floor(Date.now() / 1000)) + 2);
        const expiring = await createRoom(chain, 3, { expiresAt: at });
        while (Date.now() / 1000 < Number(at) + 0.2) await new Promise((r) => setTimeout(r, 200));
        const e = start(3, expiring);
        v = await until(e.s.state, (s) => s.fatal !== null, "fatal");
        assert.equal(v.fatal, "The room has expired.");
        // Nothing was committed or signed: the steps stopped at the room check.
        assert.equal(v.commitTx.phase, "idle");
      },
    );

    await t.step("error: members-only rooms need the right list and a listed address", async () => {
      const alice = walletConnection(chain, 4).address;
      const bob = walletConnection(chain, 5).address;
      const list = memberList([alice, bob]);
      const roomId = await createRoom(chain, 4, { membersRoot: list.root });
      const cases: [number, ReturnType<typeof memberList> | null, string][] = [
        [
          5,
          null,
          "This room is for members only. Load the member list its creator shared to join.",
        ],
        [5, memberList([alice]), "This member list does not belong to this room."],
        [6, list, "You are not a member of this room: your address is not on its member list."],
      ];
      for (const [account, members, why] of cases) {
        const x = start(account, roomId, members);
        const v = await until(x.s.state, (s) => s.fatal !== null, "fatal");
        assert.equal(v.fatal, why);
        assert.equal(v.commitTx.phase, "idle");
      }
      const member = start(5, roomId, list);
      await until(member.s.state, (s) => s.step === "ready", "member joins");
      member.s.stop();
    });

    await t.step("error: the chain cannot be read at start: says so, commits nothing", async () => {
      const roomId = await createRoom(chain, 7);
      await chain.goOffline();
      try {
        const x = start(7, roomId);
        const v = await until(x.s.state, (s) => s.fatal !== null, "fatal");
        assert.match(v.fatal!, /^Cannot reach the chain/);
        assert.equal(v.commitTx.phase, "idle");
      } finally {
        await chain.goOnline();
      }
    });

    await t.step(
      "the creator closes the room mid-session: both sessions end and say why",
      async () => {
        const roomId = await createRoom(chain, 8);
        const a = start(8, roomId);
        const b = start(9, roomId);
        for (const p of [a, b]) await until(p.s.state, (v) => openLinks(v) === 1, "open link");
        await closeRoom(chain, 8, roomId);
        for (const p of [a, b]) {
          const v = await until(p.s.state, (s) => s.fatal !== null, "closed", 20_000);
          assert.equal(v.fatal, "The room was closed by its creator.");
        }
      },
    );

    await t.step(
      "error: a server that swaps the offer's key or fingerprint is refused",
      async () => {
        const swaps: [string, (m: { publicKey: string; sdp: string }) => void][] = [
          ["key", (m) => m.publicKey = encodeBase64Url(new Uint8Array(32).fill(9))],
          [
            "fingerprint",
            (m) => m.sdp = m.sdp.replace(/sha-256 \S+/g, `sha-256 ${"AB:".repeat(31)}AB`),
          ],
        ];
        // The lower address offers; the other's server rewrites the offer it receives.
        const [low, high] = [12, 13].sort((x, y) =>
          walletConnection(chain, x).address.toLowerCase() <
              walletConnection(chain, y).address.toLowerCase()
            ? -1
            : 1
        );
        for (const [what, swap] of swaps) {
          const roomId = await createRoom(chain, 12);
          const a = start(low, roomId);
          const b = start(high, roomId, null, (frame) => {
            const m = JSON.parse(frame);
            if (m.type === "offer") {
              swap(m);
            }
            return JSON.stringify(m);
          });
          const v = await until(
            b.s.state,
            (s) => s.links[0]?.state === "refused",
            `refused ${what}`,
          );
          assert.equal(v.links[0].status.value.problem?.kind, "commitment-mismatch", what);
          assert.match(
            v.links[0].status.value.problem?.message ?? "",
            /^Refused the peer's connection: its keys do not match its on-chain commitment/,
          );
          assert.ok(
            b.notices.some((n) => n.kind === "commitment-mismatch"),
            what,
          );
          assert.equal(openLinks(a.s.state.value), 0);
          a.s.stop();
          b.s.stop();
        }
      },
    );

    await t.step("a receipt from a peer the message was not sent to changes nothing", async () => {
      const roomId = await createRoom(chain, 10);
      const a = start(10, roomId);
      const b = start(11, roomId);
      for (const p of [a, b]) await until(p.s.state, (v) => openLinks(v) === 1, "open link");
      await a.chat.send("only for b");
      await until(a.chat.entries, (e) => e[0]?.status === "delivered", "delivered by b");
      const id = a.chat.entries.value[0].id;
      // A third party "acknowledges" the same id: it is not among the recipients.
      const stranger = "0x000000000000000000000000000000000000dEaD" as Address;
      a.s.events.emit("delivered", { id, from: stranger });
      assert.deepEqual(a.chat.entries.value[0].deliveredBy, [b.s.wallet.address.toLowerCase()]);
    });
  } finally {
    await bed.close();
  }
});
