/**
 * Telling a person a message arrived, in real Chromium with the real app, server and chain: while
 * Alice's tab is hidden its title counts Bob's messages, and it is put back when she looks; no
 * notification and no permission prompt before she opts in; after she opts in (the permission
 * granted through the browser context) a notification says a message came without its text, and
 * carries the text only once she allows that. Notifications are read back from the page's service
 * worker registration (`getNotifications`). Headless Chromium never hides a page, so the test
 * sets `document.hidden`/`visibilityState` and fires `visibilitychange` itself (an init script);
 * everything else is the browser's own.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { createRoom, joinAndTalk, person, sendMessage, unexpected } from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

/** Lets the test hide and show the page (headless pages are always visible). */
const VISIBILITY = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, "hidden", { get: () => hidden, configurable: true });
  Object.defineProperty(Document.prototype, "visibilityState", {
    get: () => hidden ? "hidden" : "visible",
    configurable: true,
  });
  globalThis.__mesh3SetHidden = (h) => {
    hidden = h;
    document.dispatchEvent(new Event("visibilitychange"));
  };
})();`;

function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    (globalThis as unknown as { __mesh3SetHidden(h: boolean): void }).__mesh3SetHidden(h);
  }, hidden);
}

/** Bodies of the notifications the page's service worker registration shows now. */
function notifications(page: Page): Promise<{ title: string; body: string }[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body }));
  });
}

/** Waits until Alice has seen Bob's message `text` (it is in her chat). */
async function received(page: Page, text: string): Promise<void> {
  await page.getByTestId("message").filter({ hasText: text }).first().waitFor();
}

Deno.test("notify: unread count in the title while hidden; notifications only after opt-in, text only if allowed", async (t) => {
  await withChromiumApp(async ({ chain, app, browser }) => {
    const alice = await person(browser, chain, 1);
    const bob = await person(browser, chain, 2);
    await alice.page.context().addInitScript(VISIBILITY);
    await alice.page.context().grantPermissions(["notifications"], { origin: app.url });
    const link = await createRoom(alice.page, app.url);
    await alice.page.goto(link);
    await alice.page.getByTestId("join-room").click();
    await joinAndTalk(alice.page, bob.page, link, ["hello alice", "hello bob"]);
    const title = await alice.page.title();

    await t.step("hidden: the title counts unread messages; shown: it is put back", async () => {
      await setHidden(alice.page, true);
      await sendMessage(bob.page, "first while away");
      await received(alice.page, "first while away");
      await sendMessage(bob.page, "second while away");
      await received(alice.page, "second while away");
      assert.equal(await alice.page.title(), `(2) ${title}`);
      // No opt-in yet: nothing shown, though the browser would allow it.
      assert.deepEqual(await notifications(alice.page), []);
      await setHidden(alice.page, false);
      assert.equal(await alice.page.title(), title);
    });

    await t.step("opted in: a notification without the text", async () => {
      await alice.page.getByTestId("notify-enable").click();
      await alice.page.locator('[data-testid="notify-settings"][data-state="on"]').waitFor();
      assert.equal(await alice.page.getByTestId("notify-text").isChecked(), false);
      await setHidden(alice.page, true);
      await sendMessage(bob.page, "the secret plan");
      await received(alice.page, "the secret plan");
      await alice.page.waitForFunction(async () => {
        const reg = await navigator.serviceWorker.ready;
        return (await reg.getNotifications()).length > 0;
      });
      const shown = await notifications(alice.page);
      assert.equal(shown.length, 1);
      assert.equal(shown[0].title, "Mesh3: new message");
      assert.doesNotMatch(JSON.stringify(shown), /secret/);
      await setHidden(alice.page, false);
    });

    await t.step("text allowed: the notification carries sender and text", async () => {
      await alice.page.getByTestId("notify-text").check();
      await setHidden(alice.page, true);
      await sendMessage(bob.page, "meet at noon");
      await received(alice.page, "meet at noon");
      await alice.page.waitForFunction(async () => {
        const reg = await navigator.serviceWorker.ready;
        return (await reg.getNotifications()).some((n) => n.body.includes("meet at noon"));
      });
      const shown = await notifications(alice.page);
      const short = `${bob.address.slice(0, 6)}…${bob.address.slice(-4)}`;
      assert.ok(shown.some((n) => n.body === `${short}: meet at noon`), JSON.stringify(shown));
      await setHidden(alice.page, false);
    });

    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  });
});
