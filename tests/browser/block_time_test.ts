/**
 * The app on a chain that mines a block every 2 s (like an L2), in real Chromium: every wait shows
 * what it waits for and how long it has lasted (the transaction's hash while pending, then the
 * block it was mined in; the session's step with its elapsed time), and two people still create,
 * join, connect and chat. Screenshots of the waits go to test-results/.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { connectWallet, joinAndTalk, person, RESULTS, shot, unexpected } from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

/**
 * Records, in the page, every transaction progress shown while pending: its hash, role and
 * whether a timer ran beside it. A block can follow a transaction within milliseconds, so the
 * page itself watches (a MutationObserver), not the test's polling.
 */
function recordPending(): void {
  const seen: Record<string, { hash: string; role: string | null; timer: boolean }> = {};
  (globalThis as unknown as { __mesh3Pending: typeof seen }).__mesh3Pending = seen;
  new MutationObserver(() => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-phase="pending"]')) {
      seen[el.dataset.testid ?? "?"] = {
        hash: el.querySelector('[data-testid="tx-hash"]')?.getAttribute("title") ?? "",
        role: el.getAttribute("role"),
        timer: el.querySelector('[role="timer"]') !== null,
      };
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** Asserts the page showed transaction `testid` pending, with its hash, as a status, timed. */
async function pendingWithHash(page: Page, testid: string): Promise<void> {
  const seen = await page.evaluate(
    (id) =>
      (globalThis as unknown as { __mesh3Pending: Record<string, unknown> }).__mesh3Pending[id],
    testid,
  ) as { hash: string; role: string; timer: boolean } | undefined;
  assert.ok(seen, `${testid} was never shown pending`);
  assert.match(seen.hash, /^0x[0-9a-f]{64}$/);
  assert.equal(seen.role, "status");
  assert.equal(seen.timer, true);
}

Deno.test("block time: with a block every 2 s each wait shows its step and elapsed time", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  await withChromiumApp(async ({ chain, app, browser }) => {
    await chain.setBlockTime(2000);
    const alice = await person(browser, chain, 1);
    const bob = await person(browser, chain, 2);
    await alice.page.addInitScript(recordPending);
    let link = "";

    await t.step("creating a room: pending with its hash and a timer, then mined", async () => {
      await alice.page.goto(app.url);
      await connectWallet(alice.page);
      await alice.page.getByTestId("create-button").click();
      // Mined: the card is replaced by the room's link.
      await alice.page.getByTestId("room-created").waitFor();
      await pendingWithHash(alice.page, "create-tx");
      link = (await alice.page.getByTestId("room-link").innerText()).trim();
    });

    await t.step(
      "joining: the commit waits for its block, shown pending with its hash",
      async () => {
        await alice.page.goto(link);
        await alice.page.getByTestId("join-room").click();
        await alice.page.locator('[data-testid="commit-tx"][data-phase="mined"]').waitFor();
        await shot(alice.page, "block-2s-commit-mined");
        await pendingWithHash(alice.page, "commit-tx");
        await alice.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
        assert.equal(
          (await alice.page.getByTestId("session-status").innerText()).trim(),
          "Find your peer…",
        );
      },
    );

    await t.step("the other person joins; they connect, verify and talk", async () => {
      await joinAndTalk(alice.page, bob.page, link, ["two-second blocks", "and it still works"]);
    });

    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  });
});
