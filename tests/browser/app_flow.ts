/**
 * Steps of the app as a person does them, for the end-to-end browser tests: a browser context
 * with a real wallet (EIP-1193 fixture), connecting, creating and joining rooms, chatting.
 * @module
 */
import type { Browser, Page } from "playwright-core";
import type { TestChain } from "../../testing/chain.ts";
import { watchPage } from "./chromium.ts";
import { installTestWallet, type TestWallet } from "./eip1193_provider.ts";

/** Where screenshots go. */
export const RESULTS = new URL("../../test-results/", import.meta.url).pathname;

export async function person(
  browser: Browser,
  chain: TestChain,
  account: number,
  startChainId?: number,
): Promise<{ page: Page; problems: string[]; address: string; wallet: TestWallet }> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const wallet = await installTestWallet(context, {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    startChainId,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = await watchPage(page);
  return { page, problems, address: wallet.address, wallet };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${RESULTS}${name}.png`, fullPage: true });
}

export async function connectWallet(page: Page): Promise<void> {
  // The page may restore the last connection by itself a moment after it loads.
  const address = page.getByTestId("wallet-address");
  const option = page.getByTestId("wallet-option").filter({ hasText: "Test Wallet" });
  for (let i = 0; i < 100 && !(await address.isVisible()); i++) {
    if (await option.isVisible()) await option.click({ timeout: 1000 }).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
  }
  await address.waitFor();
}

export async function createRoom(page: Page, url: string, members?: string[]): Promise<string> {
  await page.goto(url);
  await connectWallet(page);
  if (members) {
    await page.getByTestId("access-members").check();
    await page.getByTestId("members-input").fill(members.join("\n"));
  }
  await page.getByTestId("create-button").click();
  await page.getByTestId("room-created").waitFor();
  return (await page.getByTestId("room-link").textContent())!.trim();
}

export async function joinRoom(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await connectWallet(page);
  await page.getByTestId("join-room").click();
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId("composer");
  const lines = text.split("\n");
  await composer.click();
  for (const [i, line] of lines.entries()) {
    if (i > 0) await composer.press("Shift+Enter");
    await composer.pressSequentially(line);
  }
  await composer.press("Enter");
}

/**
 * Problems other than expected ones: requests aborted because the test navigated away or cut
 * connections on purpose. (A signed-out session probe is a 200, not an error.)
 */
export function unexpected(problems: string[]): string[] {
  return problems.filter((p) => !p.endsWith("net::ERR_ABORTED"));
}

export function theirMessage(page: Page, text: string) {
  return page.locator('[data-testid="message"][data-mine="false"]').filter({ hasText: text });
}
