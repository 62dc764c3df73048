import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { groupMessageHash, rosterHash, type RosterMember } from "./group.ts";

const roomId: Hex = `0x${"ab".repeat(32)}`;
const member = (a: string, c: string): RosterMember => ({
  address: `0x${a.repeat(20)}` as Address,
  commitment: `0x${c.repeat(32)}`,
});
const [alice, bob, carol] = [member("11", "aa"), member("22", "bb"), member("33", "cc")];
const message = {
  roomId,
  author: alice.address,
  id: "m1",
  roster: `0x${"cd".repeat(32)}` as Hex,
  sentAt: 1764000000000,
  text: "hello",
};

Deno.test("rosterHash", async (t) => {
  await t.step(
    "behavior: the order of members and the case of addresses do not matter",
    async () => {
      const h = await rosterHash(roomId, [alice, bob, carol]);
      assert.match(h, /^0x[0-9a-f]{64}$/);
      assert.equal(await rosterHash(roomId, [carol, alice, bob]), h);
      const upper = { ...bob, address: bob.address.toUpperCase().replace("0X", "0x") as Address };
      assert.equal(await rosterHash(roomId, [alice, upper, carol]), h);
    },
  );
  await t.step(
    "behavior: a member less, another commitment or another room change it",
    async () => {
      const h = await rosterHash(roomId, [alice, bob, carol]);
      assert.notEqual(await rosterHash(roomId, [alice, bob]), h);
      assert.notEqual(
        await rosterHash(roomId, [alice, bob, { ...carol, commitment: bob.commitment }]),
        h,
      );
      assert.notEqual(await rosterHash(`0x${"ac".repeat(32)}`, [alice, bob, carol]), h);
    },
  );
  await t.step("error: empty, repeated or malformed rosters are refused", async () => {
    const cases: [RosterMember[], RegExp][] = [
      [[], /must list 1 to 65535 members/],
      [[alice, bob, { ...alice, commitment: carol.commitment }], /listed twice/],
      [[{ ...alice, address: "0x12" as Address }], /is not an address/],
      [[{ ...alice, commitment: "0xaa" }], /Cannot read commitment: want 32 bytes/],
    ];
    for (const [members, message] of cases) {
      await assert.rejects(rosterHash(roomId, members), { name: "TypeError", message });
    }
    await assert.rejects(rosterHash("0x01", [alice]), /Cannot read room id/);
  });
});

Deno.test("groupMessageHash", async (t) => {
  await t.step("behavior: every bound field changes the hash", async () => {
    const h = await groupMessageHash(message);
    assert.match(h, /^0x[0-9a-f]{64}$/);
    assert.equal(await groupMessageHash({ ...message }), h);
    const changes = [
      { roomId: `0x${"ac".repeat(32)}` as Hex },
      { author: bob.address },
      { id: "m2" },
      { roster: `0x${"ce".repeat(32)}` as Hex },
      { sentAt: message.sentAt + 1 },
      { text: "hello!" },
    ];
    for (const change of changes) {
      assert.notEqual(await groupMessageHash({ ...message, ...change }), h, JSON.stringify(change));
    }
  });
  await t.step("behavior: the id's length prefix keeps id and roster apart", async () => {
    // Same bytes after the author if the id's length were not written.
    const a = await groupMessageHash({ ...message, id: "ab" });
    const b = await groupMessageHash({ ...message, id: "a" });
    assert.notEqual(a, b);
  });
  await t.step("error: a bad id, author, roster or time is refused", async () => {
    const cases: [Partial<typeof message>, RegExp][] = [
      [{ id: "" }, /bad id/],
      [{ id: "has space" }, /bad id/],
      [{ author: "0x1" as Address }, /is not an address/],
      [{ roster: "0x00" as Hex }, /Cannot read roster hash/],
      [{ sentAt: -1 }, /bad sentAt/],
      [{ sentAt: 0.5 }, /bad sentAt/],
    ];
    for (const [change, pattern] of cases) {
      await assert.rejects(groupMessageHash({ ...message, ...change }), {
        name: "TypeError",
        message: pattern,
      });
    }
  });
});
