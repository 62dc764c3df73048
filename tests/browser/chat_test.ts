/**
 * The whole product in real Chromium: the real server (app/server/app.ts with the real island
 * bundle), a real chain, and two people with real wallets (EIP-1193 fixture). They create and
 * join a room, publish commitments, connect, verify, and chat both ways; the safety numbers
 * match; the signaling socket is cut and comes back; a members-only room refuses a non-member.
 * Screenshots of each main state go to test-results/.
 */
import assert from "node:assert/strict";
import {
  createRoom,
  joinRoom,
  person,
  RESULTS,
  sendMessage,
  shot,
  theirMessage,
  unexpected,
  waitForOpenPeer,
} from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

Deno.test("chat: two people create, join, verify and talk through the real server", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  await withChromiumApp(async ({ chain, app, browser }) => {
    const alice = await person(browser, chain, 1);
    const bob = await person(browser, chain, 2);
    let link = "";

    await t.step("Alice connects her wallet and creates a room", async () => {
      await alice.page.goto(app.url);
      await alice.page.getByTestId("wallet-option").first().waitFor();
      await shot(alice.page, "01-home");
      link = await createRoom(alice.page, app.url);
      assert.match(link, /\/room\/0x[0-9a-f]{64}$/);
      await alice.page.getByTestId("room-qr").waitFor();
      await shot(alice.page, "02-room-created");
    });

    await t.step("both publish commitments, connect and verify each other", async () => {
      await alice.page.goto(link);
      await alice.page.getByTestId("join-room").click();
      await alice.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
      await shot(alice.page, "03-waiting-for-peer");
      await joinRoom(bob.page, link);
      await waitForOpenPeer(alice.page, bob.page);
      const [sa, sb] = await Promise.all(
        [alice.page, bob.page].map((p) => p.getByTestId("safety-number").innerText()),
      );
      assert.match(sa.replace(/\s+/g, " ").trim(), /^(\d{5} ){11}\d{5}$/);
      assert.equal(sa, sb);
      assert.equal(await alice.page.getByTestId("path-badge").getAttribute("data-path"), "direct");
      // Beside the safety number: the registry the keys were checked against (a local chain:
      // no explorer to link to).
      const registry = await alice.page.getByTestId("registry-line").innerText();
      assert.ok(registry.toLowerCase().includes(chain.registry.toLowerCase()), registry);
      assert.match(registry, /on chain 31337 \(a local chain: no public explorer\)/);
    });

    await t.step("messages go both ways, with delivery state", async () => {
      await sendMessage(alice.page, "Hello Bob, this is end-to-end encrypted.");
      await theirMessage(bob.page, "Hello Bob").waitFor();
      const times = await Promise.all(
        [alice.page, bob.page].map((p) =>
          p.getByTestId("live-room").evaluate((el) => ({
            mined: Number((el as HTMLElement).dataset.commitMinedAt),
            first: Number((el as HTMLElement).dataset.firstMessageAt),
          }))
        ),
      );
      const bothMined = Math.max(times[0].mined, times[1].mined);
      console.log(
        `commitments mined → first decrypted message: ${times[1].first - bothMined} ms`,
      );
      await sendMessage(bob.page, "Hi Alice!\nSecond line.");
      await theirMessage(alice.page, "Second line.").waitFor();
      assert.equal(
        await theirMessage(alice.page, "Hi Alice!").getByTestId("message-text").innerText(),
        "Hi Alice!\nSecond line.",
      );
      await alice.page.locator('[data-testid="message"][data-status="delivered"]').waitFor();
      await alice.page.getByTestId("verified-toggle").check();
      await shot(alice.page, "04-chat-alice");
      await shot(bob.page, "05-chat-bob");
      await bob.page.setViewportSize({ width: 390, height: 844 });
      await shot(bob.page, "05b-chat-bob-mobile");
      await bob.page.setViewportSize({ width: 1100, height: 900 });
    });

    await t.step("the signaling socket is cut, comes back, and the room is re-joined", async () => {
      const roomId = link.split("/room/")[1] as `0x${string}`;
      assert.ok(app.proxy!.dropAll() > 0);
      await alice.page.getByTestId("socket-state").waitFor();
      await shot(alice.page, "06-reconnecting");
      for (const p of [alice.page, bob.page]) {
        await p.getByTestId("socket-state").waitFor({ state: "detached" });
      }
      // Both are members of the room on the server again.
      let members = 0;
      for (let i = 0; i < 50 && members < 2; i++) {
        members = app.server.hub.room(roomId)?.size ?? 0;
        if (members < 2) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(members, 2);
      await sendMessage(bob.page, "Still here after the drop.");
      await theirMessage(alice.page, "Still here after the drop.").waitFor();
    });

    await t.step("a session the server forgot is renewed by signing in again", async () => {
      const cookie = (await alice.page.context().cookies()).find((c) => c.name === "mesh3_session");
      assert.ok(cookie);
      const before = alice.problems.length;
      await app.server.sessions.end(cookie.value);
      await alice.page.getByTestId("socket-state").waitFor();
      await alice.page.getByTestId("socket-state").waitFor({ state: "detached" });
      const renewed = (await alice.page.context().cookies()).find((c) =>
        c.name === "mesh3_session"
      );
      assert.notEqual(renewed?.value, cookie.value);
      // The browser logs the refused socket (401) on purpose here; keep any other problem.
      const during = alice.problems.splice(before);
      alice.problems.push(...during.filter((p) => !/WebSocket connection .* failed/.test(p)));
      await sendMessage(alice.page, "Signed in again.");
      await theirMessage(bob.page, "Signed in again.").waitFor();
    });

    await t.step("leaving shows 'peer left' on the other side", async () => {
      await bob.page.getByTestId("leave").click();
      await alice.page.locator('[data-testid="banner"]').filter({ hasText: "left" }).waitFor();
      await shot(alice.page, "07-peer-left");
    });

    await t.step("the peer joins again with new keys and the chat resumes", async () => {
      await bob.page.getByTestId("join-room").click();
      await waitForOpenPeer(alice.page, bob.page);
      const [sa, sb] = await Promise.all(
        [alice.page, bob.page].map((p) => p.getByTestId("safety-number").innerText()),
      );
      assert.equal(sa, sb);
      await sendMessage(bob.page, "Back with fresh keys.");
      await theirMessage(alice.page, "Back with fresh keys.").waitFor();
    });

    await t.step("the creator closes the room and the other side is told", async () => {
      await alice.page.getByTestId("close-room").getByRole("button").click();
      await alice.page.getByTestId("close-room-confirm").click();
      await alice.page.getByTestId("room-unavailable").waitFor();
      const over = bob.page.getByTestId("session-fatal");
      await over.waitFor();
      assert.match(await over.innerText(), /closed by its creator/);
      await shot(bob.page, "07b-room-closed");
    });

    await t.step("a members-only room refuses a non-member with a clear message", async () => {
      const carol = await person(browser!, chain, 3);
      const membersLink = await createRoom(alice.page, app.url, [bob.address]);
      assert.match(membersLink, /#members=/);
      await alice.page.setViewportSize({ width: 390, height: 844 });
      await shot(alice.page, "08b-members-room-created-mobile");
      await alice.page.setViewportSize({ width: 1100, height: 900 });
      // Without the list in the link, the page asks for it.
      await carol.page.goto(membersLink.split("#")[0]);
      await carol.page.getByTestId("member-list-loader").waitFor();
      await shot(carol.page, "08a-member-list-needed");
      await joinRoom(carol.page, membersLink);
      const fatal = carol.page.getByTestId("session-fatal");
      await fatal.waitFor();
      assert.match(await fatal.innerText(), /not a member of this room/);
      await shot(carol.page, "08-not-a-member");
      assert.deepEqual(unexpected(carol.problems), []);
    });

    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  }, { proxy: true });
});
