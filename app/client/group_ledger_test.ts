import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import type { ReceiptMessage } from "../core/message.ts";
import { GroupLedger } from "./group_ledger.ts";

const me: Address = "0x1111111111111111111111111111111111111111";
const alice: Address = "0x2222222222222222222222222222222222222222";
const bob: Address = "0x3333333333333333333333333333333333333333";
const roster: Hex = `0x${"aa".repeat(32)}`;
const other: Hex = `0x${"bb".repeat(32)}`;
const h1: Hex = `0x${"01".repeat(32)}`;
const h2: Hex = `0x${"02".repeat(32)}`;
const receipt = (author: Address, id: string, hash: Hex, r = roster): ReceiptMessage => ({
  type: "receipt",
  author,
  id,
  roster: r,
  hash,
});

function ledger() {
  let now = 0;
  const l = new GroupLedger(me, { now: () => now, graceMs: 1_000 });
  return { l, tick: (ms: number) => (now += ms) };
}

Deno.test("GroupLedger", async (t) => {
  await t.step("behavior: a consistent room raises nothing and receipts deliver", () => {
    const { l } = ledger();
    assert.deepEqual(l.sent("mine", h1), []);
    assert.deepEqual(l.receipt(alice, receipt(me, "mine", h1), roster), {
      delivered: true,
      flags: [],
    });
    assert.deepEqual(l.received(alice, "a1", roster, h2, roster), []);
    assert.deepEqual(l.receipt(bob, receipt(alice, "a1", h2), roster).flags, []);
    assert.deepEqual(l.sweep(), []);
  });

  await t.step("behavior: a text with another roster than ours is flagged once", () => {
    const { l } = ledger();
    const flags = l.received(alice, "a1", other, h1, roster);
    assert.equal(flags.length, 1);
    assert.equal(flags[0].kind, "roster-mismatch");
    assert.match(flags[0].message, /^0x2222…2222 sent this with a different member list/);
    assert.deepEqual(l.received(alice, "a1", other, h1, roster), []);
  });

  await t.step("behavior: an echo with another hash is equivocation, in either order", () => {
    const first = ledger().l;
    first.received(alice, "a1", roster, h1, roster);
    const [flag] = first.receipt(bob, receipt(alice, "a1", h2), roster).flags;
    assert.deepEqual([flag.kind, flag.author, flag.id, flag.by], [
      "equivocation",
      alice,
      "a1",
      bob,
    ]);
    assert.match(flag.message, /0x3333…3333 got a different message from 0x2222…2222/);
    // The echo first, then the text.
    const second = ledger().l;
    assert.deepEqual(second.receipt(bob, receipt(alice, "a1", h2), roster).flags, []);
    const flags = second.received(alice, "a1", roster, h1, roster);
    assert.deepEqual(flags.map((f) => f.kind), ["equivocation"]);
  });

  await t.step("behavior: a peer who reports our text differently is flagged", () => {
    const { l } = ledger();
    l.sent("mine", h1);
    const r = l.receipt(bob, receipt(me, "mine", h2), roster);
    assert.equal(r.delivered, false);
    assert.match(r.flags[0].message, /reports this message differently than you sent it/);
  });

  await t.step("behavior: two texts under one id from the same author are flagged", () => {
    const { l } = ledger();
    l.received(alice, "a1", roster, h1, roster);
    assert.deepEqual(l.received(alice, "a1", roster, h1, roster), []);
    const [flag] = l.received(alice, "a1", roster, h2, roster);
    assert.match(flag.message, /sent you two different messages under one id/);
  });

  await t.step("behavior: a text others got under our roster is missing after the grace", () => {
    const { l, tick } = ledger();
    l.receipt(bob, receipt(alice, "a1", h1), roster);
    // Under another roster: it never claimed to reach us.
    l.receipt(bob, receipt(alice, "a2", h1, other), roster);
    tick(999);
    assert.deepEqual(l.sweep(), []);
    tick(1);
    const flags = l.sweep();
    assert.deepEqual(flags.map((f) => [f.kind, f.id, f.by]), [["missing", "a1", bob]]);
    assert.match(flags[0].message, /got a message from 0x2222…2222 that never reached you/);
    assert.deepEqual(l.sweep(), [], "raised once");
  });

  await t.step("behavior: a text that arrives within the grace is not missing", () => {
    const { l, tick } = ledger();
    l.receipt(bob, receipt(alice, "a1", h1), roster);
    l.received(alice, "a1", roster, h1, roster);
    tick(5_000);
    assert.deepEqual(l.sweep(), []);
  });

  await t.step("error: receipts that cannot be right are ignored, not trusted", () => {
    const { l, tick } = ledger();
    // Bob acknowledging his own text, or a text of ours we never sent.
    assert.deepEqual(l.receipt(bob, receipt(bob, "b1", h1), roster), {
      delivered: false,
      flags: [],
    });
    assert.deepEqual(l.receipt(bob, receipt(me, "never", h1), roster), {
      delivered: false,
      flags: [],
    });
    tick(2_000);
    assert.deepEqual(l.sweep(), []);
  });
});
