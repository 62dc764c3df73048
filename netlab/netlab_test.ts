/**
 * The short form of the network lab inside `deno task test`: the real server, chain, coturn and
 * STUN in an "internet" namespace, a browser in each home behind its own NAT router, and three
 * pairs that need three different paths: a hole punched through a symmetric NAT (direct), two
 * symmetric NATs (TURN over UDP), and UDP blocked against "TCP 443 only" (TURN over TCP and
 * over TLS on 443). The full matrix is `deno task netlab`. Where namespaces cannot be made
 * (not root, no `ip`), the test says so and is skipped.
 */
import assert from "node:assert/strict";
import { chromiumLauncher } from "./browser.ts";
import { labUnavailable, type RunningLab, startLab } from "./lab.ts";
import { runPair } from "./matrix.ts";
import { claimSlot, cleanLeftovers, LabLeftoversError } from "./slots.ts";
import { sh } from "./sh.ts";

const unavailable = await labUnavailable();
if (unavailable) console.log(`netlab_test: SKIPPED, ${unavailable}`);

Deno.test({
  name: "netlab: peers behind NATs and firewalls connect, over the path each network allows",
  ignore: unavailable !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    let lab: RunningLab | undefined;
    try {
      lab = await startLab({ launcher: chromiumLauncher });
      const running = lab;
      const pair = async (a: Parameters<typeof runPair>[1]) => {
        const row = await runPair(running, a, 1, (l) => console.log(`  ${l}`));
        assert.deepEqual(row.errors, [], "every try opens the verified channel");
        assert.equal(row.successes, 1);
        assert.equal(row.badgeMismatches, 0, "the Direct/Relay badge matches the selected pair");
        return Object.keys(row.paths);
      };
      await t.step("full cone × symmetric: a direct path is punched", async () => {
        const paths = await pair({ a: "full-cone", b: "symmetric" });
        assert.ok(paths.every((p) => !p.startsWith("relay")), `paths: ${paths}`);
      });
      await t.step("symmetric × symmetric: relayed by TURN over UDP", async () => {
        // Either side may send through its own allocation ("relay/udp") or both may send to
        // the other's relayed address from a peer-reflexive one ("relay/udp*"): both are TURN
        // over UDP, and which one ICE nominates first depends on timing.
        const paths = await pair({ a: "symmetric", b: "symmetric" });
        assert.equal(paths.length, 1, `paths: ${paths}`);
        assert.ok(["relay/udp", "relay/udp*"].includes(paths[0]), `paths: ${paths}`);
      });
      await t.step("UDP blocked × TCP 443 only: TURN over TCP and over TLS on 443", async () => {
        // Neither side can send UDP, so both send through their own allocation. "TCP 443 only"
        // reaches TURN only over TLS on 443; "UDP blocked" reaches it over TCP on 3478 and over
        // TLS on 443 alike, and which of the two ICE nominates depends on timing.
        const paths = await pair({ a: "udp-blocked", b: "tcp-443-only" });
        assert.equal(paths.length, 1, `paths: ${paths}`);
        assert.ok(["relay/tcp+tls", "relay/tls"].includes(paths[0]), `paths: ${paths}`);
      });
    } finally {
      await lab?.stop();
    }
    const after = await sh(["ip", "netns", "list"]);
    assert.ok(!after.includes(`m3lab-${lab?.inet.slot}-`), "every namespace of the run is gone");
  },
});

Deno.test({
  name: "netlab: leftovers of an earlier run are refused with the cleanup command, then removed",
  ignore: unavailable !== null,
  async fn() {
    // A namespace in a slot nobody owns, as a killed run would leave.
    const ns = "m3lab-63-h1a";
    await sh(["ip", "netns", "add", ns]);
    try {
      await assert.rejects(claimSlot(), (e: Error) => {
        assert.ok(e instanceof LabLeftoversError);
        assert.match(
          e.message,
          /^Cannot start the network lab: an earlier run left .*m3lab-63-h1a/,
        );
        assert.match(e.message, /deno task netlab:clean/);
        return true;
      });
      assert.ok((await cleanLeftovers()).includes(ns));
      assert.ok(!(await sh(["ip", "netns", "list"])).includes(ns));
    } finally {
      await sh(["ip", "netns", "del", ns], { allowFail: true });
    }
  },
});
