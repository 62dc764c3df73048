/**
 * Two people chat through a cluster (issue 15): three real app servers (pages, API, `/ws`) on one
 * real `redis-server`, behind the real HAProxy with the project's config, in real Chromium with
 * real wallets. Every request goes through the balancer, so a page, its sign-in, its `/api/ice`
 * and its socket may each land on another instance; the two people's sockets are on two
 * different instances (the balancer's least-connections rule), so every signaling frame between
 * them crosses Redis.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { startTestChain } from "../../testing/chain.ts";
import { freeLoopbackPort, startBalancer, type TestBalancer } from "../../testing/haproxy.ts";
import { startRedis, type TestRedis } from "../../testing/redis.ts";
import { startAppServer, type TestAppServer } from "./app_server.ts";
import {
  createRoom,
  joinRoom,
  person,
  RESULTS,
  sendMessage,
  shot,
  theirMessage,
  unexpected,
  waitForOpenPeer,
} from "./app_flow.ts";
import { launchChromium } from "./chromium.ts";

Deno.test("cluster chat: two people on two instances behind HAProxy verify and talk", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  const chain = await startTestChain();
  let redis: TestRedis | undefined;
  const apps: TestAppServer[] = [];
  let lb: TestBalancer | undefined;
  let browser: Browser | undefined;
  try {
    redis = await startRedis();
    // The balancer's origin is the one browsers see: the instances are configured with it.
    const port = freeLoopbackPort();
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 3; i++) {
      apps.push(
        await startAppServer(chain, {
          env: { MESH3_REDIS_URL: redis.url, MESH3_PUBLIC_ORIGIN: origin },
        }),
      );
    }
    lb = await startBalancer(apps.map((a) => new URL(a.url).host), { port });
    browser = await launchChromium();
    const alice = await person(browser, chain, 1);
    const bob = await person(browser, chain, 2);

    await t.step("both join one room, each socket on its own instance", async () => {
      await alice.page.goto(origin);
      const link = await createRoom(alice.page, origin);
      await alice.page.goto(link);
      await alice.page.getByTestId("join-room").click();
      await alice.page.locator('[data-testid="session-steps"][data-step="ready"]').waitFor();
      await joinRoom(bob.page, link);
      await waitForOpenPeer(alice.page, bob.page);
      const sockets = apps.map((a) => a.server.hub.stats().sockets);
      assert.deepEqual(sockets.toSorted(), [0, 1, 1], `sockets per instance: ${sockets}`);
      const [sa, sb] = await Promise.all(
        [alice.page, bob.page].map((p) => p.getByTestId("safety-number").innerText()),
      );
      assert.equal(sa, sb);
      await shot(alice.page, "cluster-01-verified");
    });

    await t.step("messages go both ways", async () => {
      await sendMessage(alice.page, "Hello Bob, through two instances.");
      await theirMessage(bob.page, "through two instances").waitFor();
      await sendMessage(bob.page, "Hello Alice, Redis carried our handshake.");
      await theirMessage(alice.page, "Redis carried our handshake").waitFor();
      await shot(bob.page, "cluster-02-chat");
    });

    assert.deepEqual(unexpected(alice.problems), []);
    assert.deepEqual(unexpected(bob.problems), []);
  } finally {
    await browser?.close();
    await lb?.stop();
    for (const a of apps) await a.stop();
    await redis?.dispose();
    await chain.stop();
  }
});
