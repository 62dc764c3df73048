import assert from "node:assert/strict";
import type { Hex } from "viem";
import { startTestChain } from "../../testing/chain.ts";
import { startBalancer } from "../../testing/haproxy.ts";
import { type InstanceProcess, spawnInstance } from "../../testing/instance.ts";
import { startRedis } from "../../testing/redis.ts";
import {
  Client,
  committedRoom,
  join,
  ORIGIN,
  signIn,
  UNLIMITED_READS,
} from "../../testing/server.ts";

const candidate = (n: number) => ({
  candidate: `candidate:${n} 1 udp 1 127.0.0.1 5000 typ host`,
  sdpMid: "0",
});
const offer = (
  to: string,
  roomId: Hex,
  k: { publicKey: string; kemKey: string; sdp: string },
) => ({
  v: 1,
  type: "offer",
  to: to.toLowerCase(),
  roomId,
  publicKey: k.publicKey,
  kemKey: k.kemKey,
  sdp: k.sdp,
});

/** Connects through the balancer, retrying while it still sends new sockets to a dead instance
 * (bounded: 50 tries, 100 ms apart). */
async function reconnect(wsUrl: string, cookie: string): Promise<{ c: Client; tries: number }> {
  for (let tries = 1;; tries++) {
    try {
      return { c: await Client.connect(wsUrl, cookie), tries };
    } catch (e) {
      if (tries >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

Deno.test("haproxy: three instances behind the balancer survive a kill -9 of one", async (t) => {
  const chain = await startTestChain();
  const redis = await startRedis();
  const instances: InstanceProcess[] = [];
  const clients: Client[] = [];
  let stopBalancer = () => Promise.resolve();
  try {
    const env = {
      ...UNLIMITED_READS,
      MESH3_RPC_URL: chain.rpcUrl,
      MESH3_CHAIN_ID: String(chain.chainId),
      MESH3_REGISTRY: chain.registry,
      MESH3_PUBLIC_ORIGIN: ORIGIN,
      MESH3_CHAIN_POLL_MS: "100",
      MESH3_REDIS_URL: redis.url,
      MESH3_TRUST_PROXY: "1",
    };
    for (let i = 0; i < 3; i++) instances.push(await spawnInstance(env));
    const lb = await startBalancer(instances.map((i) => `127.0.0.1:${i.port}`));
    stopBalancer = lb.stop;
    const [dying, second, third] = instances;
    const open = async (wsUrl: string, cookie: string) => {
      const c = await Client.connect(wsUrl, cookie);
      clients.push(c);
      return c;
    };

    await t.step("behavior: /healthz through the balancer reports chain and Redis", async () => {
      const res = await fetch(`${lb.base}/healthz`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { chain: "ok", state: "ok" });
    });

    // Sign-ins go through the balancer: nonce and verify may land on different instances.
    const { roomId: r0, keys: [kV, kP] } = await committedRoom(chain, 1, [1, 2]);
    const { roomId: r1, keys: [kX] } = await committedRoom(chain, 3, [3, 4]);
    const [victim, peer, x, y] = await Promise.all(
      [1, 2, 3, 4].map((i) => signIn(lb.base, chain, i)),
    );
    // Where each socket lands is the balancer's choice in production; the test pins them to
    // know which rooms the dead instance held.
    const cv = await open(dying.wsUrl, victim.cookie);
    const cp = await open(second.wsUrl, peer.cookie);
    const cx = await open(second.wsUrl, x.cookie);
    const cy = await open(third.wsUrl, y.cookie);
    await join(cv, r0);
    await join(cp, r0);
    await join(cx, r1);
    await join(cy, r1);
    // X hears of Y (through Y's instance) before it offers, as a browser does.
    await cx.next("presence", (m) => m.address === y.account.address);
    cx.send(offer(y.account.address, r1, kX));
    await cy.next("offer");

    await t.step(
      "behavior: kill -9 mid-session: clients back, no frame lost elsewhere",
      async () => {
        // Within the rate limit (20 frames/s, burst 50): 60 frames over about 1.5 s.
        const total = 60;
        const sending = (async () => {
          for (let i = 0; i < total; i++) {
            cx.send({
              v: 1,
              type: "ice",
              to: y.account.address.toLowerCase(),
              roomId: r1,
              candidate: candidate(i),
            });
            await new Promise((r) => setTimeout(r, 25));
          }
        })();
        await new Promise((r) => setTimeout(r, 20));
        await dying.kill("SIGKILL");
        const started = performance.now();
        // Dropped without a close frame (Deno's WebSocket reports 1006 or 0 for that).
        assert.ok([0, 1006].includes(await cv.closed()), "the dead instance's socket drops");
        // The same cookie, through the balancer: no new sign-in (no wallet prompt).
        const { c: back, tries } = await reconnect(lb.wsUrl, victim.cookie);
        clients.push(back);
        assert.deepEqual(await join(back, r0), [peer.account.address]);
        const seconds = (performance.now() - started) / 1000;
        console.log(`  victim back and in its room after ${seconds.toFixed(2)} s (${tries} tries)`);
        const p = await cp.next("presence", (m) => m.state === "joined");
        assert.equal(p.address, victim.account.address);
        back.send(offer(peer.account.address, r0, kV));
        assert.equal((await cp.next("offer")).from, victim.account.address);
        cp.send({ ...offer(victim.account.address, r0, kP), type: "answer" });
        assert.equal((await back.next("answer")).from, peer.account.address);

        await sending;
        for (let i = 0; i < total; i++) {
          const m = await cy.next("ice");
          assert.equal(m.candidate?.candidate, candidate(i).candidate, "in order, none lost");
        }
      },
    );

    await t.step("behavior: the dead instance is out of the balancer's rotation", async () => {
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${lb.base}/healthz`);
        assert.equal(res.status, 200);
        await res.body?.cancel();
      }
    });

    await t.step(
      "error: Redis down → the balancer refuses new clients; back → serves",
      async () => {
        await redis.stop(true);
        let status = 0;
        for (let i = 0; i < 100 && status !== 503; i++) {
          const res = await fetch(`${lb.base}/healthz`);
          status = res.status;
          await res.body?.cancel();
          if (status !== 503) await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(status, 503);
        await redis.restart();
        for (let i = 0; i < 100 && status !== 200; i++) {
          const res = await fetch(`${lb.base}/healthz`);
          status = res.status;
          await res.body?.cancel();
          if (status !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(status, 200);
        const again = await signIn(lb.base, chain, 5);
        const c = await reconnect(lb.wsUrl, again.cookie);
        clients.push(c.c);
      },
    );
  } finally {
    for (const c of clients) await c.close().catch(() => {});
    await stopBalancer();
    for (const i of instances) await i.kill("SIGTERM");
    await redis.dispose();
    await chain.stop();
  }
});
