/**
 * Names instead of hex (issue 16, item 3) in real Chromium with the real server, chain and
 * wallets, against ENS's own registry, public resolver and reverse registrar deployed on the local
 * chain (testing/ens.ts; the UniversalResolver is a stand-in that does not check forward records,
 * so what is shown here is Mesh3's own check). Alice creates a members-only room naming Bob by
 * his ENS name; Bob sees Alice's primary name and on-chain avatar; Mallory, whose reverse record
 * claims "alice.eth", is shown by address only. Once with ENS on the app's chain, once on a second
 * chain of its own (chain id 1, as Ethereum), read by the page through `MESH3_ENS_RPC_URL`.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startTestChain } from "../../testing/chain.ts";
import { deployEns } from "../../testing/ens.ts";
import {
  createRoom,
  joinRoom,
  person,
  RESULTS,
  shot,
  unexpected,
  waitForOpenPeers,
} from "./app_flow.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import { launchChromium } from "./chromium.ts";

const AVATAR = "data:image/svg+xml;base64," +
  btoa(
    '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#10b981"/></svg>',
  );

for (const where of ["the app's chain", "a chain of its own (MESH3_ENS_RPC_URL)"]) {
  Deno.test(`ENS names (Chromium) on ${where}: checked names and avatars, names in member lists`, async () => {
    await Deno.mkdir(RESULTS, { recursive: true });
    const chain = await startTestChain();
    const own = where.startsWith("a chain") ? await startTestChain({ chainId: 1 }) : null;
    const ensChain = own ?? chain;
    let app: TestAppServer | undefined;
    let browser: Browser | undefined;
    try {
      const ens = await deployEns(ensChain);
      await ens.register("alice", 1, { avatar: AVATAR });
      await ens.setPrimaryName(1, "alice.eth");
      await ens.register("bob", 2); // a forward record only: usable in the member list
      await ens.setPrimaryName(3, "alice.eth"); // Mallory's reverse record lies
      app = await startAppServer(chain, {
        env: {
          MESH3_ENS_UNIVERSAL_RESOLVER: ens.universalResolver,
          // The page reads it directly: its origin joins the CSP's connect-src.
          ...(own ? { MESH3_ENS_RPC_URL: own.rpcUrl } : {}),
        },
      });
      browser = await launchChromium();
      const alice = await person(browser, chain, 1);
      const bob = await person(browser, chain, 2);
      const mallory = await person(browser, chain, 3);

      const link = await createRoom(alice.page, app.url, ["bob.eth", mallory.address]);
      const members = decodeURIComponent(link.split("#members=")[1] ?? "").toLowerCase();
      assert.ok(
        members.includes(bob.address.slice(2).toLowerCase()),
        "bob.eth became Bob's address",
      );

      await joinRoom(alice.page, link);
      await joinRoom(bob.page, link);
      await joinRoom(mallory.page, link);
      const peerOn = (page: typeof bob.page, address: string) =>
        page.locator(`[data-testid="peer"][data-peer="${address}"]`);
      const aliceOnBob = peerOn(bob.page, alice.address);
      await aliceOnBob.getByTestId("ens-name").waitFor();
      assert.equal(await aliceOnBob.getByTestId("ens-name").innerText(), "alice.eth");
      assert.equal(await aliceOnBob.getByTestId("ens-avatar").getAttribute("src"), AVATAR);
      // Mallory's card: her address, and no name (her reverse record says "alice.eth").
      const malloryOnBob = peerOn(bob.page, mallory.address);
      await malloryOnBob.waitFor();
      await waitForOpenPeers(bob.page, 2);
      assert.equal(await malloryOnBob.getByTestId("ens-name").count(), 0);
      assert.equal(await peerOn(alice.page, bob.address).getByTestId("ens-name").count(), 0);
      await shot(bob.page, own ? "ens-02-names-other-chain" : "ens-01-names-checked");
      for (const p of [alice, bob, mallory]) assert.deepEqual(unexpected(p.problems), []);
    } finally {
      await browser?.close();
      await app?.stop();
      await chain.stop();
      await own?.stop();
    }
  });
}
