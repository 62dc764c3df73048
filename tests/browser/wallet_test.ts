/**
 * The wallet in real Chromium against the real server and chain: every EIP-6963 wallet is
 * offered; a wallet on the wrong network is asked to switch (and a live chain change is
 * noticed); a declined transaction says so; on the local development chain a funded test
 * account works without any wallet.
 */
import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { createRoom, person, shot, unexpected } from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";
import { installTestWallet } from "./eip1193_provider.ts";

Deno.test("wallet: discovery, wrong network, declined transaction, dev account", async (t) => {
  await withChromiumApp(async ({ chain, app, browser }) => {
    await t.step("offers every announced wallet", async () => {
      const p = await person(browser!, chain, 11);
      await installTestWallet(p.page.context(), {
        privateKey: chain.accounts[12],
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
        name: "Second Wallet",
        rdns: "org.mesh3.second",
        windowEthereum: false,
      });
      await p.page.goto(app.url);
      const options = p.page.getByTestId("wallet-option");
      await options.filter({ hasText: "Second Wallet" }).waitFor();
      assert.deepEqual((await options.allInnerTexts()).sort(), ["Second Wallet", "Test Wallet"]);
      await options.filter({ hasText: "Second Wallet" }).click();
      const second = privateKeyToAccount(chain.accounts[12]).address;
      assert.equal(await p.page.getByTestId("wallet-address").getAttribute("title"), second);
      await p.page.context().close();
    });

    await t.step("a wallet on another chain is asked to switch, live", async () => {
      const p = await person(browser!, chain, 13, 1);
      await p.page.goto(app.url);
      await p.page.getByTestId("wallet-option").first().click();
      await p.page.getByTestId("wrong-network").waitFor();
      assert.equal(await p.page.getByTestId("create-button").isDisabled(), true);
      await shot(p.page, "12-wrong-network");
      await p.page.getByTestId("switch-network").click();
      await p.page.getByTestId("wrong-network").waitFor({ state: "detached" });
      // The wallet's clients are made again for the new chain before the button comes back.
      await p.page.locator('[data-testid="create-button"]:enabled').waitFor();
      assert.equal(await p.page.getByTestId("create-button").isEnabled(), true);
      await p.wallet.setChain(5);
      await p.page.getByTestId("wrong-network").waitFor();
      assert.deepEqual(unexpected(p.problems), []);
      await p.page.context().close();
    });

    await t.step(
      "an account switch ends the room session; a chain outage is reported",
      async () => {
        const p = await person(browser!, chain, 15);
        const link = await createRoom(p.page, app.url);
        await p.page.goto(link);
        await p.page.getByTestId("join-room").click();
        await p.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
        await p.wallet.setAccount(chain.accounts[16]);
        await p.page.getByTestId("account-changed").waitFor();
        assert.equal(
          await p.page.getByTestId("wallet-address").getAttribute("title"),
          privateKeyToAccount(chain.accounts[16]).address,
        );
        await chain.goOffline();
        try {
          await p.page.getByTestId("join-room").click();
          const fatal = p.page.getByTestId("session-fatal");
          await fatal.waitFor();
          assert.match(await fatal.innerText(), /Cannot reach the chain/);
          await shot(p.page, "14-chain-unreachable");
        } finally {
          await chain.goOnline();
        }
        await p.page.context().close();
      },
    );

    await t.step("a declined transaction says so", async () => {
      const p = await person(browser!, chain, 14);
      await p.page.goto(app.url);
      await p.page.getByTestId("wallet-option").first().click();
      p.wallet.rejectNext("eth_sendTransaction");
      await p.page.getByTestId("create-button").click();
      const failed = p.page.locator('[data-testid="create-tx"][data-phase="failed"]');
      await failed.waitFor();
      assert.match(await failed.innerText(), /declined it in your wallet/);
      await shot(p.page, "13-declined");
      await p.page.context().close();
    });

    await t.step("the local chain offers a funded test account that works", async () => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByTestId("no-wallet").waitFor();
      await page.getByTestId("dev-account-select").selectOption("3");
      await page.getByTestId("dev-account").click();
      const address = await page.getByTestId("wallet-address").getAttribute("title");
      assert.equal(address, "0x90F79bf6EB2c4f870365E785982E1f101E93b906"); // Hardhat #3
      await page.getByTestId("create-button").click();
      await page.getByTestId("room-created").waitFor();
      await context.close();
    });
  });
});
