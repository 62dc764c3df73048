/**
 * Telling a person a message arrived, in real Chromium and Firefox with the real app, server and
 * chain: while Alice's tab is hidden its title counts Bob's messages, and it is put back when she
 * looks; no notification before she opts in; after she opts in (the permission granted as a
 * person who said yes to the prompt: per context in Chromium, by Firefox's default permission)
 * a notification says a message came without its text, and carries the text only once she
 * allows that. Notifications are read back from the page's service worker registration
 * (`getNotifications`). Headless browsers never hide a page, so the test sets
 * `document.hidden`/`visibilityState` and fires `visibilitychange` itself (an init script);
 * everything else is the browser's own.
 *
 * Notifications are read only once none is being shown. Chromium's `getNotifications` keeps a
 * stored notification only if the platform already lists it as displayed or it was made after
 * the read began, and deletes every other from its database
 * (content/browser/notifications/platform_notification_context_impl.cc): a read that falls
 * between the worker storing a notification and the platform showing it loses it for good. This
 * test once polled every 100 ms and lost one that way in CI ("shown: []" after 30 s). The init
 * script counts `showNotification` calls that have settled; the test waits for that count, then
 * reads.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import { waitUntil } from "../../testing/wait_until.ts";
import { createRoom, joinAndTalk, person, sendMessage, unexpected } from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { Engine, TestBrowser, TestPage } from "./test_page.ts";

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
  globalThis.__mesh3Shown = 0;
  // Not in every document (Firefox's first blank page has no service workers).
  const proto = globalThis.ServiceWorkerRegistration?.prototype;
  const show = proto?.showNotification;
  if (show) {
    proto.showNotification = function (...args) {
      return show.apply(this, args).finally(() => globalThis.__mesh3Shown++);
    };
  }
})();`;

function setHidden(page: TestPage, hidden: boolean): Promise<void> {
  return page.evaluate((h) => {
    (globalThis as unknown as { __mesh3SetHidden(h: boolean): void }).__mesh3SetHidden(h);
  }, hidden);
}

function title(page: TestPage): Promise<string> {
  return page.evaluate(() => document.title, null);
}

/** Bodies of the notifications the page's service worker registration shows now. */
function notifications(page: TestPage): Promise<{ title: string; body: string }[]> {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return (await reg.getNotifications()).map((n) => ({ title: n.title, body: n.body }));
  }, null);
}

/** How many `showNotification` calls of the page have settled. */
function shownCount(page: TestPage): Promise<number> {
  return page.evaluate(
    () => (globalThis as unknown as { __mesh3Shown: number }).__mesh3Shown,
    null,
  );
}

/**
 * Waits (30 s at most) until the page's `showNotification` calls settled `count` times, then
 * reads the notifications once (never while one is being shown: see the module comment).
 */
async function notified(page: TestPage, count: number): Promise<{ title: string; body: string }[]> {
  const settled = await waitUntil(() => shownCount(page), (n) => n >= count, {
    tries: 300,
    everyMs: 100,
  });
  if (settled < count) throw new Error(`showNotification settled ${settled} times, not ${count}`);
  return await notifications(page);
}

/** Whether the "show the text" box is ticked. */
function textAllowed(page: TestPage): Promise<boolean | undefined> {
  return page.evaluate(
    () => document.querySelector<HTMLInputElement>('[data-testid="notify-text"]')?.checked,
    null,
  );
}

/** Waits until Alice has seen Bob's message `text` (it is in her chat). */
async function received(page: TestPage, text: string): Promise<void> {
  await page.find("message", { hasText: text }).waitFor();
}

for (const engine of ["chromium", "firefox"] as Engine[]) {
  Deno.test(`notify (${engine}): unread count in the title while hidden; notifications only after opt-in, text only if allowed`, async (t) => {
    const chain = await startTestChain();
    let app: TestAppServer | undefined;
    let browser: TestBrowser | undefined;
    try {
      app = await startAppServer(chain);
      browser = await launchTestBrowser(engine, { notifications: "granted" });
      const alice = await person(browser, chain, 1);
      const bob = await person(browser, chain, 2);
      await alice.page.addInitScript(VISIBILITY);
      const link = await createRoom(alice.page, app.url);
      await alice.page.goto(link);
      await alice.page.find("join-room").click();
      await joinAndTalk(alice.page, bob.page, link, ["hello alice", "hello bob"]);
      const shownTitle = await title(alice.page);

      await t.step("hidden: the title counts unread messages; shown: it is put back", async () => {
        await setHidden(alice.page, true);
        await sendMessage(bob.page, "first while away");
        await received(alice.page, "first while away");
        await sendMessage(bob.page, "second while away");
        await received(alice.page, "second while away");
        assert.equal(await title(alice.page), `(2) ${shownTitle}`);
        // No opt-in yet: nothing shown, though the browser would allow it.
        assert.equal(await shownCount(alice.page), 0);
        assert.deepEqual(await notifications(alice.page), []);
        await setHidden(alice.page, false);
        assert.equal(await title(alice.page), shownTitle);
      });

      await t.step("opted in: a notification without the text", async () => {
        await alice.page.find("notify-enable").click();
        await alice.page.find("notify-settings", { attrs: { "data-state": "on" } }).waitFor();
        assert.equal(await textAllowed(alice.page), false);
        await setHidden(alice.page, true);
        await sendMessage(bob.page, "the secret plan");
        await received(alice.page, "the secret plan");
        const shown = await notified(alice.page, 1);
        assert.equal(shown.length, 1);
        assert.equal(shown[0].title, "Mesh3: new message");
        assert.doesNotMatch(JSON.stringify(shown), /secret/);
        await setHidden(alice.page, false);
      });

      await t.step("text allowed: the notification carries sender and text", async () => {
        await alice.page.find("notify-text").check();
        assert.equal(await textAllowed(alice.page), true);
        await setHidden(alice.page, true);
        await sendMessage(bob.page, "meet at noon");
        await received(alice.page, "meet at noon");
        const shown = await notified(alice.page, 2);
        const short = `${bob.address.slice(0, 6)}…${bob.address.slice(-4)}`;
        assert.ok(shown.some((n) => n.body === `${short}: meet at noon`), JSON.stringify(shown));
        await setHidden(alice.page, false);
      });

      assert.deepEqual(unexpected(alice.problems), []);
      assert.deepEqual(unexpected(bob.problems), []);
    } finally {
      await browser?.close();
      await app?.stop();
      await chain.stop();
    }
  });
}
