/**
 * Accessibility of every page and state in real Chromium: axe-core finds no serious or critical
 * violation (WCAG 2.x A/AA, contrast included) signed out, signed in, creating a room, with a room
 * created, before joining, in a room, chatting, and on the error pages, at desktop and phone
 * widths; every control of the main states is reachable with Tab; status changes sit in live
 * regions.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { seriousViolations, unreachableByKeyboard } from "./a11y.ts";
import {
  connectWallet,
  person,
  sendMessage,
  theirMessage,
  unexpected,
  waitForOpenPeer,
} from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

async function assertAccessible(page: Page, state: string): Promise<void> {
  assert.deepEqual(await seriousViolations(page), [], `axe, ${state}`);
}

Deno.test("a11y: every page and state passes axe with no serious or critical violation", async (t) => {
  await withChromiumApp(async ({ chain, app, browser }) => {
    const alice = await person(browser, chain, 1);
    const bob = await person(browser, chain, 2);
    let link = "";

    await t.step("home, signed out: axe, and every control reachable by keyboard", async () => {
      await alice.page.goto(app.url);
      await alice.page.getByTestId("wallet-option").first().waitFor();
      await assertAccessible(alice.page, "home signed out");
      assert.deepEqual(await unreachableByKeyboard(alice.page), []);
    });

    await t.step("home, signed in, creating a members-only room", async () => {
      await connectWallet(alice.page);
      await assertAccessible(alice.page, "home signed in");
      await alice.page.getByTestId("access-members").check();
      await alice.page.getByTestId("members-input").fill(bob.address);
      await assertAccessible(alice.page, "creating");
      assert.deepEqual(await unreachableByKeyboard(alice.page), []);
    });

    await t.step("room created: link, QR and member list", async () => {
      await alice.page.getByTestId("access-open").check();
      await alice.page.getByTestId("create-button").click();
      await alice.page.getByTestId("room-qr").waitFor();
      link = (await alice.page.getByTestId("room-link").innerText()).trim();
      await assertAccessible(alice.page, "room created");
    });

    await t.step("room page before joining, signed out and signed in", async () => {
      await bob.page.goto(link);
      await bob.page.getByTestId("wallet-option").first().waitFor();
      await assertAccessible(bob.page, "room signed out");
      await connectWallet(bob.page);
      await assertAccessible(bob.page, "room signed in");
      assert.deepEqual(await unreachableByKeyboard(bob.page), []);
    });

    await t.step("in a room, then chatting; status changes are in live regions", async () => {
      await alice.page.goto(link);
      await connectWallet(alice.page);
      await alice.page.getByTestId("join-room").click();
      await alice.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
      await assertAccessible(alice.page, "joined, waiting for a peer");
      // The step is announced in a status region; the wait shows its elapsed time.
      const status = alice.page.getByTestId("session-status");
      assert.equal(await status.getAttribute("role"), "status");
      assert.equal((await status.innerText()).trim(), "Find your peer…");
      await alice.page.getByTestId("step-elapsed").waitFor();
      await bob.page.getByTestId("join-room").click();
      await waitForOpenPeer(alice.page, bob.page);
      await assertAccessible(bob.page, "in a room");
      await sendMessage(alice.page, "hello, accessible world");
      await theirMessage(bob.page, "hello, accessible world").waitFor();
      await sendMessage(bob.page, "hi");
      await theirMessage(alice.page, "hi").waitFor();
      await assertAccessible(alice.page, "chatting");
      await assertAccessible(bob.page, "chatting");
      assert.deepEqual(await unreachableByKeyboard(bob.page), []);
      // The peer's state and the message list announce themselves.
      for (const id of ["peer-state", "messages"]) {
        const live = await bob.page.getByTestId(id).first().evaluate((el) =>
          el.closest("[aria-live], [role=status], [role=log], [role=alert]") !== null
        );
        assert.ok(live, `${id} is in a live region`);
      }
    });

    await t.step("phone width: chat and home", async () => {
      await bob.page.setViewportSize({ width: 390, height: 844 });
      await assertAccessible(bob.page, "chatting, 390×844");
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const home = await context.newPage();
      await home.goto(app.url);
      await home.locator("mesh3-island[data-hydrated]").waitFor();
      await assertAccessible(home, "home, 390×844");
      await context.close();
    });

    await t.step("error pages: not found, malformed room id, unknown room", async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      for (const path of ["/nowhere", "/room/0x1234", `/room/0x${"ee".repeat(32)}`]) {
        const res = await page.goto(app.url + path);
        assert.ok(res && res.status() >= 400, path);
        await assertAccessible(page, `error page ${path}`);
      }
      await context.close();
    });

    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  });
});
