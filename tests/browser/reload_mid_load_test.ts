/**
 * Firefox, reloading while a chunk under Subresource Integrity is still loading (what the kept
 * keys test does when it opens the room link right after creating the room): the aborted load
 * is reported as an integrity mismatch over the bytes received so far, and the next page loads
 * the chunk again, whole, and runs it. The server holds the QR encoder's chunk (imported with
 * `import()` once the room link shows) after its first KiB, so the reload always lands mid-load.
 */
import assert from "node:assert/strict";
import { startTestChain } from "../../testing/chain.ts";
import { createRoom, person, RESULTS, shot, unexpected } from "./app_flow.ts";
import { startAppServer } from "./app_server.ts";
import { holdFirst } from "./held_response.ts";
import { launchTestBrowser } from "./test_browser.ts";

/** The QR encoder's chunk (esbuild names it after the `qrcode` package's `browser.js`). */
const QR_CHUNK = /^\/static\/build\/browser-[A-Z0-9]+\.js$/;
const HOLD_WAIT_MS = 60_000;

Deno.test("Firefox: a reload while a chunk loads leaves a page that loads it again and runs", async () => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  const hold = holdFirst(QR_CHUNK);
  const app = await startAppServer(chain, { hold });
  const browser = await launchTestBrowser("firefox");
  try {
    const alice = await person(browser, chain, 1);
    const link = await createRoom(alice.page, app.url);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const path = await Promise.race([
      hold.held,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("Cannot hold the QR chunk: the page did not request it")),
          HOLD_WAIT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));

    await alice.page.goto(link); // the chunk's first load is still under way
    await alice.page.find("room-qr").waitFor(); // loaded again, whole, and run
    await alice.page.find("join-room").waitFor();
    await shot(alice.page, "reload-mid-load-01-room-runs");

    const url = app.url + path;
    assert.ok(
      alice.problems.includes(`requestfailed: ${url} NS_BINDING_ABORTED`),
      alice.problems.join("\n"),
    );
    assert.ok(
      alice.problems.some((p) => p.includes("integrity attribute") && p.includes(url)),
      alice.problems.join("\n"),
    );
    assert.deepEqual(unexpected(alice.problems), []);
  } finally {
    await browser.close();
    await app.stop();
    await chain.stop();
  }
});
