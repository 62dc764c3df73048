/**
 * Issue 10, item 8: eviction by flooding. One client with many fresh keys and the addresses of
 * one IPv6 /64 signs in over and over; another person's nonce and session must survive. The
 * clients claim their addresses through `X-Forwarded-For` (the server trusts the proxy header).
 */
import assert from "node:assert/strict";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { startTestChain } from "../../../testing/chain.ts";
import { signedMessage, signIn, startServer, verify } from "../../../testing/server.ts";
import { MemoryState } from "../state/mod.ts";

const from = (ip: string) => ({ "x-forwarded-for": ip });
/** A fresh address in the attacker's /64 for every request. */
const rotating = (i: number, net = "2001:db8:1:2") =>
  from(`${net}:${(i + 1).toString(16)}::${(i * 7).toString(16)}`);

Deno.test("eviction: one IPv6 /64 with fresh keys cannot evict anyone's nonce or session", async (t) => {
  const chain = await startTestChain();
  const srv = await startServer(chain, {
    MESH3_TRUST_PROXY: "1",
    MESH3_MAX_NONCES: "50",
    MESH3_MAX_SESSIONS: "10",
    MESH3_MAX_SESSIONS_PER_IP: "5",
    MESH3_AUTH_PER_MINUTE_PER_IP: "40",
  });
  try {
    const alice = privateKeyToAccount(chain.accounts[1]);
    await t.step("behavior: a pending nonce survives a flood of nonce requests", async () => {
      const pending = await signedMessage(srv.base, alice, chain.chainId, {}, from("198.51.100.7"));
      const statuses = new Map<number, number>();
      for (let i = 0; i < 60; i++) {
        const res = await fetch(`${srv.base}/api/auth/nonce`, { headers: rotating(i) });
        await res.body?.cancel();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      // Every address of the /64 draws on one budget: the flood is cut at 40 nonces, fewer than
      // the 50 it takes to evict Alice's (before, each address had a budget of its own).
      assert.equal(statuses.get(429), 20);
      const r = await verify(srv.base, pending, from("198.51.100.7"));
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });

    await t.step("behavior: a live session survives a flood of sign-ins from one /64", async () => {
      const victim = await signIn(srv.base, chain, 2, from("198.51.100.8"));
      for (let i = 0; i < 15; i++) {
        await signIn(srv.base, chain, generatePrivateKey(), rotating(i, "2001:db8:9:9"));
      }
      const me = await fetch(`${srv.base}/api/auth/me`, { headers: { cookie: victim.cookie } });
      assert.deepEqual(await me.json(), { address: victim.account.address });
      const state = srv.server.state;
      assert.ok(state instanceof MemoryState);
      assert.equal(state.sessionStore.sizes.ips, 3); // Alice's, the victim's, the whole /64
    });
  } finally {
    await srv.stop();
    await chain.stop();
  }
});
