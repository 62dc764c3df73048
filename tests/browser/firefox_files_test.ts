/**
 * Files across browsers (issue 12): Chromium (Playwright) and Firefox ESR (puppeteer over
 * WebDriver BiDi) on the real server and chain. A 256 MiB file from Chromium and a 1 MiB file
 * from Firefox arrive byte-identical (made on disk in a stream; the receiver's stored copy hashed
 * in the page), a cancel from Firefox frees both sides; then, relay only through a real coturn,
 * Chromium↔Chromium and Chromium↔Firefox each move a file byte-identical and both say "Relay".
 */
import assert from "node:assert/strict";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import {
  createRoom,
  joinRoom,
  person,
  RESULTS,
  shot,
  unexpected,
  waitForOpenPeer,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { type Coturn, startCoturn } from "./coturn.ts";
import {
  accept,
  bytesOf,
  clickInCard,
  fileCard,
  pickFiles,
  storedFiles,
  storedSha256,
  writeRandomFile,
  writtenInPlace,
} from "./file_flow.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { TestBrowser, TestPage } from "./test_page.ts";

const MiB = 1024 * 1024;

/** Two people of the given browsers in a fresh room, connected. */
async function pair(
  app: TestAppServer,
  chain: TestChain,
  browsers: [TestBrowser, TestBrowser],
  accounts: [number, number],
) {
  const [a, b] = await Promise.all(browsers.map((br, i) => person(br, chain, accounts[i])));
  const link = await createRoom(a.page, app.url);
  await a.page.goto(link);
  await a.page.find("join-room").click();
  await joinRoom(b.page, link);
  await waitForOpenPeer(a.page, b.page);
  return [a, b] as const;
}

/** `from` sends `file`; `to` accepts; the stored copy must hash the same. */
async function moveFile(
  from: TestPage,
  to: TestPage,
  file: Awaited<ReturnType<typeof writeRandomFile>>,
) {
  await pickFiles(from, file);
  const id = await accept(to, file.name);
  await fileCard(to, file.name, "in", "done").waitFor({ timeout: 240_000 });
  assert.equal(await storedSha256(to, id), file.sha256, `${file.name} in ${to.engine}`);
  assert.ok(await writtenInPlace(to, id), `${file.name} written in place in ${to.engine}`);
  await fileCard(from, file.name, "out", "done").waitFor();
}

Deno.test("files across browsers: Chromium↔Firefox direct, and relay only", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const dir = await Deno.makeTempDir({ prefix: "mesh3-files-" });
  const chain = await startTestChain();
  let app: TestAppServer | undefined;
  let relayApp: TestAppServer | undefined;
  let turn: Coturn | undefined;
  let chromium: TestBrowser | undefined;
  let firefox: TestBrowser | undefined;
  try {
    app = await startAppServer(chain);
    [chromium, firefox] = await Promise.all([
      launchTestBrowser("chromium"),
      launchTestBrowser("firefox"),
    ]);

    await t.step("256 MiB Chromium→Firefox, 1 MiB Firefox→Chromium, byte-identical", async () => {
      const [alice, bob] = await pair(app!, chain, [chromium!, firefox!], [4, 5]);
      const big = await writeRandomFile(dir, "to-firefox.bin", 256 * MiB, 21);
      await moveFile(alice.page, bob.page, big);
      const small = await writeRandomFile(dir, "from-firefox.bin", MiB, 22);
      await moveFile(bob.page, alice.page, small);
      await shot(bob.page, "f10-firefox-files");

      // Firefox cancels a transfer mid-way: both stop, nothing is left in its storage.
      const file = await writeRandomFile(dir, "firefox-cancels.bin", 32 * MiB, 23);
      await pickFiles(alice.page, file);
      const id = await accept(bob.page, file.name);
      for (let i = 0; i < 600 && await bytesOf(bob.page, id) < 2 * MiB; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await clickInCard(bob.page, id, "file-cancel");
      await fileCard(alice.page, file.name, "out", "cancelled").waitFor();
      await fileCard(bob.page, file.name, "in", "cancelled").waitFor();
      assert.ok(!(await storedFiles(bob.page)).includes(id));
      await bob.page.setViewport(390, 844);
      await shot(bob.page, "f11-firefox-files-phone");
      assert.deepEqual(unexpected(alice.problems), []);
      assert.deepEqual(unexpected(bob.problems), []);
      await Promise.all([alice.page.close(), bob.page.close()]);
    });

    await t.step("relay only through coturn: Chromium↔Chromium and Chromium↔Firefox", async () => {
      turn = await startCoturn();
      relayApp = await startAppServer(chain, {
        env: {
          MESH3_TURN_URLS: `turn:127.0.0.1:${turn.port}?transport=udp`,
          MESH3_TURN_USERNAME: turn.username,
          MESH3_TURN_CREDENTIAL: turn.credential,
          MESH3_ICE_POLICY: "relay",
        },
      });
      for (const [other, accounts] of [[chromium!, [6, 7]], [firefox!, [8, 9]]] as const) {
        const [alice, bob] = await pair(relayApp, chain, [chromium!, other], [...accounts]);
        for (const p of [alice.page, bob.page]) {
          assert.equal(await p.find("path-badge").attribute("data-path"), "relay");
        }
        const file = await writeRandomFile(dir, `relay-${other.engine}.bin`, 4 * MiB, accounts[0]);
        await moveFile(alice.page, bob.page, file);
        assert.deepEqual(unexpected(alice.problems), []);
        assert.deepEqual(unexpected(bob.problems), []);
        await Promise.all([alice.page.close(), bob.page.close()]);
      }
    });
  } finally {
    await Promise.all([chromium?.close(), firefox?.close()]);
    await app?.stop();
    await relayApp?.stop();
    await turn?.stop();
    await chain.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
