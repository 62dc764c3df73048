/**
 * Links that do not open are made again (room_links.ts, link_retries.ts): the offering side makes a new link after
 * a delay, the answering side drops its link to the peer's old connection for the new one (the
 * offer names another SDP session); each failure is shown, and taken back once a link opens. An
 * open link is never replaced by an offer that names another session. Real chain, server and
 * wallets; WebRTC in memory (testing/fake_rtc.ts). Bob offers, Alice answers (`meet`).
 */
import assert from "node:assert/strict";
import { meet, openLinks, startEngineBed, until } from "../../testing/engine_session.ts";
import { sdpSession } from "../core/sdp.ts";

/** A tamper that drops the first `n` frames of `type` and counts the offers' SDP sessions. */
function dropping(type: "offer" | "answer", n: number) {
  const sessions = new Set<string>();
  let dropped = 0;
  const tamper = (frame: string) => {
    const m = JSON.parse(frame);
    if (m.type === "offer") sessions.add(sdpSession(m.sdp) ?? "");
    if (m.type === type && dropped < n) {
      dropped++;
      return null;
    }
    return frame;
  };
  return { tamper, sessions, dropped: () => dropped };
}

Deno.test("link retry: a link that did not open is made again and opens; its problem is taken back", async () => {
  const bed = await startEngineBed();
  try {
    const lost = dropping("answer", 1);
    const atAlice = dropping("answer", 0);
    // Bob gives up quickly; Alice's link to his first connection is still waiting when his
    // second connection's offer comes: she must take it on a new link.
    const { alice, bob } = await meet(bed, { tamper: atAlice.tamper }, {
      tamper: lost.tamper,
      linkTiming: { connectTimeoutMs: 1_500, retryDelaysMs: [100, 100] },
    });
    const cleared: string[] = [];
    bob.s.events.on("cleared", (kind) => cleared.push(kind));
    // Alice answered Bob's first connection (her answer is lost on the way).
    const first = (await until(alice.s.state, (v) =>
      v.links[0]?.state === "connecting", "answered"))
      .links[0];
    for (const p of [alice, bob]) await until(p.s.state, (v) => openLinks(v).length === 1, "open");
    assert.equal(lost.dropped(), 1);
    assert.notEqual(openLinks(alice.s.state.value)[0], first, "a new link took the new connection");
    assert.equal(first.state, "closed");
    assert.equal(first.status.value.problem, null, "closed quietly: it was replaced");
    assert.equal(atAlice.sessions.size, 2, "Alice got offers from two connections of Bob's");
    const [a, b] = [openLinks(alice.s.state.value)[0], openLinks(bob.s.state.value)[0]];
    assert.equal(a.status.value.safetyNumber, b.status.value.safetyNumber);
    assert.equal(alice.s.links.length, 1);
    await bob.chat.send("after a retry");
    const got = await until(alice.chat.entries, (e) => e.length === 1, "alice receives");
    assert.equal(got[0].text, "after a retry");
    // Bob was told his first link could not connect, and that was taken back once one opened.
    assert.equal(bob.notices.filter((n) => n.kind === "connection-failed").length, 1);
    assert.deepEqual(cleared.filter((k) => k === "connection-failed"), ["connection-failed"]);
    assert.deepEqual(alice.notices.filter((n) => n.kind === "connection-failed"), []);
  } finally {
    await bed.close();
  }
});

Deno.test("link retry: error: the tries are bounded; each failed link says it could not connect", async () => {
  const bed = await startEngineBed();
  try {
    const lost = dropping("answer", Infinity);
    const atAlice = dropping("answer", 0);
    const { bob } = await meet(bed, { tamper: atAlice.tamper }, {
      tamper: lost.tamper,
      linkTiming: { connectTimeoutMs: 600, retryDelaysMs: [50, 50] },
    });
    const failed = (n: { kind: string }) => n.kind === "connection-failed";
    // Notices are events, not state: looked for (bounded) until shown.
    for (let i = 0; i < 300 && !bob.notices.some(failed); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // One first link and two more: three connections offered, no fourth after the last.
    for (let i = 0; i < 300 && bob.notices.filter(failed).length < 3; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(atAlice.sessions.size, 3);
    assert.equal(bob.notices.filter(failed).length, 3);
    assert.match(bob.notices.find(failed)!.message, /^Could not connect to the peer/);
    assert.equal(bob.s.links.length, 1);
    assert.equal(bob.s.links[0].state, "closed");
  } finally {
    await bed.close();
  }
});

Deno.test("link retry: error: an open link is not replaced by an offer naming another session", async () => {
  const bed = await startEngineBed();
  try {
    let rewrite = false;
    // A hostile server rewrites the SDP session of Bob's later offers to Alice.
    const tamper = (frame: string) => {
      const m = JSON.parse(frame);
      if (!rewrite || m.type !== "offer") return frame;
      return JSON.stringify({ ...m, sdp: m.sdp.replace(/^o=(\S+) \d+ /m, "o=$1 123456789 ") });
    };
    const { alice, bob } = await meet(bed, { tamper });
    for (const p of [alice, bob]) await until(p.s.state, (v) => openLinks(v).length === 1, "open");
    const link = alice.s.links[0];
    rewrite = true;
    const offered = bob.s.links[0].media.renegotiate();
    assert.equal(await offered, true);
    await bob.chat.send("still the same link");
    await until(alice.chat.entries, (e) => e.length === 1, "alice receives");
    assert.equal(alice.s.links.length, 1);
    assert.equal(alice.s.links[0], link, "the open link was kept");
    assert.equal(link.state, "open");
  } finally {
    await bed.close();
  }
});
