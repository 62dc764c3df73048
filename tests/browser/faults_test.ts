/**
 * Faults during a live chat, in real Chromium against the real server, chain and wallets
 * (issue 6, item 5): the chain's RPC goes down and comes back (the room says so and recovers by
 * itself, open chats keep working; a socket cut meanwhile re-joins on its own once the server
 * can read the chain again), the app server is stopped and a new one started on the same
 * port (messages keep flowing peer to peer meanwhile; the clients reconnect, sign in again and
 * re-join), and a peer's tab is closed (the other side shows "left"; the time is printed).
 * The network-path change (ICE restart) is in peer_link_test.ts ("relay only" step).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { Hex } from "viem";
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
import type { TestAppServer } from "./app_server.ts";
import { withChromiumApp } from "./chromium_bed.ts";

/**
 * The browser logs refused sockets and requests while the server or the chain is down, on
 * purpose here: connection errors (refused, reset, closed, empty) and 503 / 401 answers.
 */
function outageNoise(p: string): boolean {
  return /WebSocket connection .* failed/.test(p) ||
    /net::ERR_(CONNECTION_[A-Z_]+|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED)/.test(p) ||
    /status of (503|401)/.test(p);
}

async function members(app: TestAppServer, roomId: Hex, want: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < 100 && n < want; i++) {
    n = app.server.hub.room(roomId)?.size ?? 0;
    if (n < want) await new Promise((r) => setTimeout(r, 100));
  }
  return n;
}

const safety = (p: Page) => p.getByTestId("safety-number").innerText();

Deno.test("faults: chain down, server restart and a closed tab during a live chat", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  await withChromiumApp(async ({ chain, app, browser }) => {
    const alice = await person(browser, chain, 11);
    const bob = await person(browser, chain, 12);
    const link = await createRoom(alice.page, app.url);
    const roomId = link.split("/room/")[1] as Hex;
    await alice.page.goto(link);
    await alice.page.getByTestId("join-room").click();
    await joinRoom(bob.page, link);
    await waitForOpenPeer(alice.page, bob.page);
    const numberBefore = await safety(alice.page);

    await t.step("chain RPC down: the room says so, chat goes on, it recovers", async () => {
      await chain.goOffline();
      try {
        for (const p of [alice.page, bob.page]) {
          const notice = p.getByTestId("chain-state");
          await notice.waitFor();
          assert.match(await notice.innerText(), /Cannot reach the chain/);
        }
        await sendMessage(alice.page, "The chain is down but we are not.");
        await theirMessage(bob.page, "The chain is down").waitFor();
        await shot(bob.page, "15-chain-down-mid-session");
      } finally {
        await chain.goOnline();
      }
      for (const p of [alice.page, bob.page]) {
        await p.getByTestId("chain-state").waitFor({ state: "detached" });
      }
      await sendMessage(bob.page, "And the chain is back.");
      await theirMessage(alice.page, "And the chain is back.").waitFor();
    });

    await t.step(
      "socket cut while the chain is down: the room is re-joined when it is back",
      async () => {
        await chain.goOffline();
        try {
          // The server fails closed: it refuses joins until it can read the chain again.
          for (let i = 0; i < 100 && app.server.view.healthy; i++) {
            await new Promise((r) => setTimeout(r, 100));
          }
          assert.equal(app.server.view.healthy, false);
          assert.ok(app.proxy!.dropAll() > 0);
          const refused = alice.page.locator('[data-testid="banner"]').filter({
            hasText: "The chain is unreachable",
          });
          await refused.waitFor();
          await sendMessage(alice.page, "No server room, no chain, still talking.");
          await theirMessage(bob.page, "No server room, no chain").waitFor();
          await shot(alice.page, "15b-chain-and-socket-down");
          assert.equal(app.server.hub.room(roomId)?.size ?? 0, 0);
        } finally {
          await chain.goOnline();
        }
        const sockets = new Set(app.server.hub.peers);
        assert.equal(await members(app!, roomId, 2), 2);
        // Re-joined on the same sockets: the client asked again, it did not wait to be dropped.
        for (const peer of app.server.hub.room(roomId)!.members()) {
          assert.ok(sockets.has(peer), "re-joined through a new socket, not by asking again");
        }
        await alice.page.locator('[data-testid="banner"]').filter({
          hasText: "The chain is unreachable",
        }).waitFor({ state: "detached" });
      },
    );

    await t.step("server restart: chat flows while it is down, clients come back", async () => {
      const session = async (p: Page) =>
        (await p.context().cookies()).find((c) => c.name === "mesh3_session")?.value;
      const before = await Promise.all([alice.page, bob.page].map(session));
      await app.halt();
      for (const p of [alice.page, bob.page]) await p.getByTestId("socket-state").waitFor();
      await sendMessage(alice.page, "The server is gone, this still arrives.");
      await theirMessage(bob.page, "The server is gone").waitFor();
      await sendMessage(bob.page, "Both ways.");
      await theirMessage(alice.page, "Both ways.").waitFor();
      await shot(alice.page, "16-server-down-chat-on");
      await app.resume();
      for (const p of [alice.page, bob.page]) {
        await p.getByTestId("socket-state").waitFor({ state: "detached", timeout: 45_000 });
      }
      // The new server knows nothing: both signed in again and re-joined the room.
      assert.equal(await members(app!, roomId, 2), 2);
      const after = await Promise.all([alice.page, bob.page].map(session));
      for (const [i, value] of after.entries()) {
        assert.ok(value && value !== before[i], "signed in again with the new server");
      }
      // Same verified link (same keys, re-checked against the chain on re-join), same number.
      assert.equal(await safety(alice.page), numberBefore);
      assert.equal(await safety(bob.page), numberBefore);
      await sendMessage(bob.page, "Server is back.");
      await theirMessage(alice.page, "Server is back.").waitFor();
    });

    await t.step("peer tab closed: the other side sees 'left' within seconds", async () => {
      const started = performance.now();
      await bob.page.close();
      await alice.page.locator('[data-testid="banner"]').filter({ hasText: "left" }).waitFor({
        timeout: 20_000,
      });
      const ms = Math.round(performance.now() - started);
      console.log(`peer tab closed → "left" shown on the other side: ${ms} ms`);
      assert.equal(await alice.page.locator('[data-testid="peer"][data-state="open"]').count(), 0);
      await shot(alice.page, "17-peer-tab-closed");
    });

    assert.deepEqual(unexpected(alice.problems).filter((p) => !outageNoise(p)), []);
    assert.deepEqual(unexpected(bob.problems).filter((p) => !outageNoise(p)), []);
  }, { proxy: true });
});
