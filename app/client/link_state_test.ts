/**
 * A link's state only moves forward until it ends (peer_link.ts): a step of the description's
 * handling that settles late (the browser's operations chain, busy, settling `addIceCandidate`
 * after the connection it made has opened) cannot take an open link back to "connecting", where
 * nothing would ever end it (the connect timer is cleared at open). Real chain, server and
 * wallets; WebRTC in memory (testing/fake_rtc.ts).
 */
import assert from "node:assert/strict";
import {
  type EngineBed,
  meet,
  openLinks,
  type SessionOptions,
  startEngineBed,
  until,
} from "../../testing/engine_session.ts";
import { LINK_FORWARD, type LinkState } from "./link_types.ts";

/** Alice waits in a new room, Bob (the offerer) joins: his first link and the states it goes
 * through. */
async function bobsLink(bed: EngineBed, bobOptions: SessionOptions = {}) {
  const { alice, bob } = await meet(bed, {}, bobOptions);
  const seen: LinkState[] = [];
  const link = (await until(bob.s.state, (v) => v.links.length === 1, "bob's link")).links[0];
  link.status.subscribe(({ state }) => seen.at(-1) !== state && seen.push(state));
  return { alice, bob, link, seen };
}

Deno.test("link state: a link that opens before its candidates settle stays open", async () => {
  const bed = await startEngineBed();
  try {
    bed.net.addIceSettleMs = 1_500;
    const { alice, bob, link, seen } = await bobsLink(bed);
    for (const p of [alice, bob]) await until(p.s.state, (v) => openLinks(v).length === 1, "open");
    // Past the candidates' settling: the offerer's handling of the answer has finished.
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(link.state, "open", `Bob's link went ${seen.join(" → ")}`);
    const steps = seen.map((s) => LINK_FORWARD.indexOf(s));
    assert.deepEqual(steps, [...steps].sort((x, y) => x - y), `went ${seen.join(" → ")}`);
    await bob.chat.send("still open");
    const got = await until(alice.chat.entries, (e) => e.length === 1, "alice receives");
    assert.equal(got[0].text, "still open");
  } finally {
    await bed.close();
  }
});

Deno.test("link state: error: a link that times out confirming keys ends, is not refused, and is made again", async () => {
  const bed = await startEngineBed();
  try {
    // Key confirmation's frames take longer than the link may take to open: the first link
    // times out while confirming; the next one, with the network quick again, opens.
    bed.net.messageDelayMs = 2_000;
    const { alice, bob, link: first, seen } = await bobsLink(bed, {
      linkTiming: { connectTimeoutMs: 1_000, retryDelaysMs: [100] },
    });
    first.status.subscribe(({ state }) => state === "closed" && (bed.net.messageDelayMs = 0));
    for (const p of [alice, bob]) await until(p.s.state, (v) => openLinks(v).length === 1, "open");
    assert.notEqual(openLinks(bob.s.state.value)[0], first, "a new link opened");
    // Past the first link's delayed frames: its key confirmation finished or failed by now.
    await new Promise((r) => setTimeout(r, 2_500));
    assert.deepEqual(seen.slice(-2), ["confirming", "closed"], `went ${seen.join(" → ")}`);
    assert.equal(first.state, "closed", `went ${seen.join(" → ")}`);
    assert.equal(first.status.value.problem?.kind, "connection-failed");
    assert.equal(first.status.value.safetyNumber, null);
    assert.equal(openLinks(bob.s.state.value).length, 1);
  } finally {
    await bed.close();
  }
});
