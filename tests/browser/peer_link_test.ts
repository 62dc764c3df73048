/**
 * The client's peer link in real Chromium against the real chain, with signaling replaced by a
 * relay in the test process: two browsers with real wallets (EIP-1193 fixture) commit their
 * session keys on chain, connect over WebRTC, verify each other against the chain, confirm keys
 * and exchange encrypted messages. The relay also plays a hostile server that swaps the offer's
 * public key or SDP fingerprint: the receiving browser must refuse and say why.
 */
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import type { Address, Hex } from "viem";
import { startTestChain, type TestChain } from "../../testing/chain.ts";
import { launchChromium } from "./chromium.ts";
import { startCoturn } from "./coturn.ts";
import { installTestWallet } from "./eip1193_provider.ts";
import { bundleEntry, servePage } from "./harness.ts";
import type { Harness } from "./testdata/link_harness.ts";

const ENTRY = new URL("./testdata/link_harness.ts", import.meta.url).pathname;

type Status = {
  state: string | null;
  path: string | null;
  safetyNumber: string | null;
  problem: { kind: string; message: string } | null;
  reconnecting: boolean;
  iceRestarts: number;
  received: string[];
  delivered: string[];
};

/** The page's global with the harness. */
type W = { harness: Harness };

type Tamper = (message: Record<string, unknown>) => Record<string, unknown>;

interface Side {
  page: Page;
  address: Address;
}

async function openSide(
  browser: Browser,
  chain: TestChain,
  url: string,
  account: number,
  relay: (m: Record<string, unknown>) => void,
): Promise<Page> {
  const context = await browser.newContext();
  await installTestWallet(context, {
    privateKey: chain.accounts[account],
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
  });
  await context.exposeBinding("relay", (_src, m: Record<string, unknown>) => relay(m));
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => "harness" in globalThis);
  return page;
}

async function status(page: Page): Promise<Status> {
  return await page.evaluate(() => (globalThis as unknown as W).harness.status());
}

async function waitFor(
  page: Page,
  ok: (s: Status) => boolean,
  what: string,
): Promise<Status> {
  let s = await status(page);
  for (let i = 0; i < 150 && !ok(s); i++) {
    await new Promise((r) => setTimeout(r, 100));
    s = await status(page);
  }
  assert.ok(ok(s), `${what}: ${JSON.stringify(s)}`);
  return s;
}

/** Sets up two sides in one room; `tamper` rewrites what A sends to B. */
async function pair(
  browser: Browser,
  chain: TestChain,
  url: string,
  accounts: [number, number],
  tamperAtoB?: Tamper,
  ice: { policy: RTCIceTransportPolicy; servers: RTCIceServer[] } = { policy: "all", servers: [] },
): Promise<[Side, Side]> {
  const pages: Page[] = [];
  const queues = [Promise.resolve(), Promise.resolve()];
  const relayFrom = (i: 0 | 1) => (m: Record<string, unknown>) => {
    const out = i === 0 && tamperAtoB ? tamperAtoB(m) : m;
    queues[i] = queues[i].then(() =>
      pages[1 - i].evaluate(
        (msg) => (globalThis as unknown as W).harness.deliver(msg as { type: string }),
        out,
      )
    ).catch(() => {});
  };
  pages.push(await openSide(browser, chain, url, accounts[0], relayFrom(0)));
  pages.push(await openSide(browser, chain, url, accounts[1], relayFrom(1)));
  const config = {
    chainId: chain.chainId,
    chainName: "Test chain",
    rpcUrl: chain.rpcUrl,
    registry: chain.registry,
    localDevChain: false,
  };
  const addresses: Address[] = [];
  for (const p of pages) {
    addresses.push(
      await p.evaluate((c) => (globalThis as unknown as W).harness.connect(c), config),
    );
  }
  const roomId: Hex = await pages[0].evaluate(() =>
    (globalThis as unknown as W).harness.createRoom()
  );
  await Promise.all(
    pages.map((p) =>
      p.evaluate(
        ([id, policy, servers]) =>
          (globalThis as unknown as W).harness.prepare(id as Hex, policy, servers),
        [roomId, ice.policy, ice.servers] as const,
      )
    ),
  );
  // A has the lower address in every pair used here only if so; the link decides who offers.
  await Promise.all(
    pages.map((p, i) =>
      p.evaluate((peer) => (globalThis as unknown as W).harness.startLink(peer), addresses[1 - i])
    ),
  );
  return [{ page: pages[0], address: addresses[0] }, { page: pages[1], address: addresses[1] }];
}

Deno.test("peer link: two browsers verify each other on chain and chat encrypted", async (t) => {
  const chain = await startTestChain();
  const server = servePage(await bundleEntry(ENTRY));
  const browser = await launchChromium();
  try {
    await t.step("connects, confirms keys, equal safety numbers, direct path", async () => {
      const [a, b] = await pair(browser, chain, server.url, [1, 2]);
      const sa = await waitFor(a.page, (s) => s.state === "open", "A open");
      const sb = await waitFor(b.page, (s) => s.state === "open", "B open");
      assert.match(sa.safetyNumber ?? "", /^(\d{5} ){11}\d{5}$/);
      assert.equal(sa.safetyNumber, sb.safetyNumber);
      await waitFor(a.page, (s) => s.path === "direct", "A path");
      assert.equal(
        await a.page.evaluate(() => (globalThis as unknown as W).harness.send("m1", "hi B")),
        true,
      );
      assert.equal(
        await b.page.evaluate(() => (globalThis as unknown as W).harness.send("m2", "hi A")),
        true,
      );
      await waitFor(b.page, (s) => s.received.includes("hi B"), "B received");
      await waitFor(a.page, (s) => s.received.includes("hi A"), "A received");
      await waitFor(a.page, (s) => s.delivered.includes("m1"), "A delivered receipt");
      await a.page.context().close();
      await b.page.context().close();
    });

    // Hostile relay: rewrite what the lower-address side (the offerer) sends.
    const hostile = async (tamper: Tamper, reason: RegExp) => {
      const [a, b] = await pair(browser, chain, server.url, [3, 4], tamper);
      // Whoever receives A's tampered description refuses it.
      const sb = await waitFor(b.page, (s) => s.state === "refused", "B refused");
      assert.equal(sb.problem?.kind, "commitment-mismatch");
      assert.match(sb.problem?.message ?? "", reason);
      const sa = await status(a.page);
      assert.notEqual(sa.state, "open");
      await a.page.context().close();
      await b.page.context().close();
    };

    await t.step("relay only: connects through a real coturn and reports relay", async () => {
      let turn = await startCoturn();
      try {
        const [a, b] = await pair(browser, chain, server.url, [5, 6], undefined, {
          policy: "relay",
          servers: turn.iceServers,
        });
        await waitFor(a.page, (s) => s.state === "open" && s.path === "relay", "A relay");
        await waitFor(b.page, (s) => s.state === "open" && s.path === "relay", "B relay");
        await a.page.evaluate(() => (globalThis as unknown as W).harness.send("r1", "via relay"));
        await waitFor(b.page, (s) => s.received.includes("via relay"), "B received via relay");

        // The relay dies: the path is lost, the offerer restarts ICE once it is back.
        await turn.stop();
        await waitFor(a.page, (s) => s.reconnecting, "A notices the lost path");
        turn = await startCoturn(turn);
        const offerer = a.address.toLowerCase() < b.address.toLowerCase() ? a : b; // lower offers
        const other = offerer === a ? b : a;
        await waitFor(offerer.page, (s) => s.iceRestarts > 0 && !s.reconnecting, "ICE restarted");
        await waitFor(other.page, (s) => !s.reconnecting && s.state === "open", "peer back");
        await other.page.evaluate(() =>
          (globalThis as unknown as W).harness.send("r2", "after restart")
        );
        await waitFor(offerer.page, (s) => s.received.includes("after restart"), "after restart");
        await a.page.context().close();
        await b.page.context().close();
      } finally {
        await turn.stop();
      }
    });

    await t.step("refuses a description whose public key was swapped", async () => {
      await hostile((m) => {
        if (m.type !== "offer" && m.type !== "answer") return m;
        const fake = crypto.getRandomValues(new Uint8Array(32));
        const b64 = btoa(String.fromCharCode(...fake)).replaceAll("+", "-").replaceAll("/", "_")
          .replace(/=+$/, "");
        return { ...m, publicKey: b64 };
      }, /do not match its on-chain commitment/);
    });

    await t.step("refuses a description whose SDP fingerprint was swapped", async () => {
      await hostile((m) => {
        if (m.type !== "offer" && m.type !== "answer") return m;
        const fp = Array.from({ length: 32 }, () => "AB").join(":");
        const sdp = String(m.sdp).replace(
          /a=fingerprint:sha-256 \S+/g,
          `a=fingerprint:sha-256 ${fp}`,
        );
        return { ...m, sdp };
      }, /do not match its on-chain commitment/);
    });
  } finally {
    await browser.close();
    await server.close();
    await chain.stop();
  }
});
