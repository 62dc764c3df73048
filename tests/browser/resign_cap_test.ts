/**
 * A server that keeps refusing makes the page ask the wallet to sign in again (issue 10, item
 * 11), in real Chromium against the real server, chain and wallet: once the person is in the
 * room, the server turns hostile (it says "signed out" and refuses every socket, through
 * Playwright's routes) and the socket is cut. The page asks the wallet 3 times, then stops and
 * says why; further reconnect attempts prompt nothing.
 */
import assert from "node:assert/strict";
import { createRoom, person, RESULTS, shot } from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

Deno.test("hostile server: 3 wallet prompts to sign in again, then the page says why", async () => {
  await Deno.mkdir(RESULTS, { recursive: true });
  await withChromiumApp(async ({ chain, app, browser }) => {
    const alice = await person(browser, chain, 15);
    const link = await createRoom(alice.page, app.url);
    await alice.page.goto(link);
    await alice.page.getByTestId("join-room").click();
    await alice.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
    const prompts = () => alice.wallet.calls.filter((m) => m === "personal_sign").length;
    const before = prompts();

    let sockets = 0;
    await alice.page.route("**/api/auth/me", (r) => r.fulfill({ json: { address: null } }));
    await alice.page.routeWebSocket(/\/ws$/, (ws) => {
      sockets++;
      return ws.close({ code: 1008, reason: "refused" });
    });
    assert.ok(app.proxy!.dropAll() > 0);

    const notice = alice.page.locator('[data-testid="banner"]').filter({
      hasText: "The server keeps refusing your sign-in",
    });
    await notice.waitFor({ timeout: 90_000 });
    assert.match(await notice.innerText(), /stopped asking your wallet to sign after 3 tries/);
    assert.equal(prompts() - before, 3);
    await shot(alice.page, "16-sign-in-prompts-capped");
    // The socket keeps trying (its own backoff); the wallet is not asked again.
    const seen = sockets;
    for (let i = 0; i < 600 && sockets < seen + 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(sockets >= seen + 2, `only ${sockets - seen} more attempts`);
    assert.equal(prompts() - before, 3);
  }, { proxy: true });
});
