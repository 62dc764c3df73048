/**
 * Returning to a room (issue 16, item 2) in real browsers with the real server, chain and
 * wallets: the session's keys kept in IndexedDB. In Chromium a reload rejoins with no new
 * transaction and chats; a commitment that moved on chain, "Forget this device", expiry and Leave
 * each lead to a new commitment. Firefox has no WebCrypto ML-KEM (its ML-KEM key is bytes in
 * memory, never kept): a reload there commits again, and it says so.
 * Transactions are counted on the chain (the wallet's nonce).
 */
import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import { commit, makeKeys } from "../../testing/server.ts";
import {
  connectWallet,
  createRoom,
  joinRoom,
  type Person,
  person,
  RESULTS,
  sendMessage,
  shot,
  theirMessage,
  unexpected,
  waitForOpenPeer,
  waitForSession,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchTestBrowser } from "./test_browser.ts";
import type { Engine, TestBrowser, TestPage } from "./test_page.ts";

const txCount = (chain: TestChain, address: string) =>
  chain.publicClient.getTransactionCount({ address: address as Address });

/** Opens the room link again (a reload) and joins; waits until the session is ready. */
async function returnTo(page: TestPage, link: string): Promise<void> {
  await joinRoom(page, link);
  await waitForSession(page);
}

/** How many records the page's IndexedDB keeps; `expire` first moves each one's expiry past. */
function keptRecords(page: TestPage, expire = false): Promise<number> {
  return page.evaluate(async (expire: boolean) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open("mesh3-keys", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("sessions", { keyPath: "id" });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = await new Promise<{ expiresAt: number }[]>((resolve, reject) => {
      const req = db.transaction("sessions").objectStore("sessions").getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    if (expire) {
      const tx = db.transaction("sessions", "readwrite");
      for (const r of all) tx.objectStore("sessions").put({ ...r, expiresAt: Date.now() - 1 });
      await new Promise((resolve) => tx.oncomplete = resolve);
    }
    db.close();
    return all.length;
  }, expire);
}

async function withBrowser(
  engine: Engine,
  run: (b: TestBrowser, chain: TestChain, app: TestAppServer) => Promise<void>,
): Promise<void> {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  let app: TestAppServer | undefined;
  let browser: TestBrowser | undefined;
  try {
    app = await startAppServer(chain);
    browser = await launchTestBrowser(engine);
    await run(browser, chain, app);
  } finally {
    await browser?.close();
    await app?.stop();
    await chain.stop();
  }
}

Deno.test("kept keys (Chromium): a reload rejoins without a transaction", async (t) => {
  await withBrowser("chromium", async (browser, chain, app) => {
    const alice = await person(browser, chain, 1);
    const bob = await person(browser, chain, 2);
    const link = await createRoom(alice.page, app.url);
    const roomId = link.split("/room/")[1] as Hex;
    const chat = async (from: Person<TestPage>, to: Person<TestPage>, text: string) => {
      await sendMessage(from.page, text);
      await theirMessage(to.page, text).waitFor();
    };

    await t.step("join once: one commitment, kept on the device", async () => {
      const before = await txCount(chain, alice.address);
      await returnTo(alice.page, link);
      assert.equal(await txCount(chain, alice.address), before + 1);
      assert.match(await alice.page.find("keep-status").text(), /stay on this device until/);
      assert.equal(await keptRecords(alice.page), 1);
      await joinRoom(bob.page, link);
      await waitForOpenPeer(alice.page, bob.page);
      await chat(alice, bob, "first visit");
    });

    await t.step("reload: the kept keys come back, no transaction, and chat works", async () => {
      // Bob is away while Alice returns: the checklist is shown only until a link opens.
      await bob.page.goto("about:blank");
      const before = await txCount(chain, alice.address);
      const bobBefore = await txCount(chain, bob.address);
      await returnTo(alice.page, link);
      assert.equal(await txCount(chain, alice.address), before, "no new transaction");
      assert.match(await alice.page.find("keep-status").text(), /no transaction was needed/);
      assert.match(await alice.page.find("step-commit").text(), /already on chain/);
      await returnTo(bob.page, link);
      assert.equal(await txCount(chain, bob.address), bobBefore, "Bob's keys were kept too");
      await waitForOpenPeer(alice.page, bob.page);
      await chat(alice, bob, "back without a transaction");
      await chat(bob, alice, "welcome back");
      const [sa, sb] = await Promise.all(
        [alice.page, bob.page].map((p) => p.find("safety-number").text()),
      );
      assert.equal(sa, sb);
      await shot(alice.page, "kept-keys-01-returned");
    });

    await t.step("error: kept keys whose commitment moved on chain are not used", async () => {
      await commit(chain, 1, roomId, makeKeys(chain, roomId)); // other keys, same address
      const before = await txCount(chain, alice.address);
      await returnTo(alice.page, link);
      assert.equal(await txCount(chain, alice.address), before + 1, "a new commitment");
      await alice.page.find("banner", { hasText: "not the ones your address has committed" })
        .waitFor();
      await shot(alice.page, "kept-keys-02-mismatch-refused");
      await waitForOpenPeer(alice.page, bob.page);
      await chat(alice, bob, "fresh keys after a mismatch");
    });

    await t.step("expired keys are erased on load and a new commitment is made", async () => {
      assert.equal(await keptRecords(alice.page, true), 1);
      const before = await txCount(chain, alice.address);
      await returnTo(alice.page, link);
      assert.equal(await txCount(chain, alice.address), before + 1);
      await waitForOpenPeer(alice.page, bob.page);
    });

    await t.step("forget this device: the next visit commits again", async () => {
      await alice.page.find("forget-device").click();
      await alice.page.find("keep-status", { hasText: "keeps no keys now" }).waitFor();
      assert.equal(await keptRecords(alice.page), 0);
      const before = await txCount(chain, alice.address);
      await returnTo(alice.page, link);
      assert.equal(await txCount(chain, alice.address), before + 1);
    });

    await t.step("leave erases the kept keys", async () => {
      assert.equal(await keptRecords(alice.page), 1);
      await alice.page.find("leave").click();
      await alice.page.find("join-room").waitFor();
      assert.equal(await keptRecords(alice.page), 0);
      await connectWallet(alice.page);
    });
    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  });
});

Deno.test("kept keys (Firefox): no WebCrypto ML-KEM, so a reload commits again", async () => {
  await withBrowser("firefox", async (browser, chain, app) => {
    const alice = await person(browser, chain, 1);
    const link = await createRoom(alice.page, app.url);
    const before = await txCount(chain, alice.address);
    await returnTo(alice.page, link);
    assert.match(await alice.page.find("keep-status").text(), /not kept on this device/);
    assert.equal(await keptRecords(alice.page), 0);
    await returnTo(alice.page, link);
    assert.equal(await txCount(chain, alice.address), before + 2);
    await shot(alice.page, "kept-keys-03-firefox-not-kept");
    assert.deepEqual(unexpected(alice.problems), []);
  });
});
