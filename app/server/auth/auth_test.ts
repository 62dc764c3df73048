import assert from "node:assert/strict";
import { type Hex, numberToHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { startTestChain, type TestChain } from "../../../testing/chain.ts";
import { startRpcProxy } from "../../../testing/rpc_proxy.ts";
import { createSiweMessage } from "viem/siwe";
import {
  Client,
  ORIGIN,
  signedMessage,
  signIn,
  startServer,
  verify,
} from "../../../testing/server.ts";

/**
 * Deploys a minimal contract wallet whose EIP-1271 `isValidSignature` answers `magic` for any
 * call: `PUSH4 magic PUSH1 0xe0 SHL PUSH1 0 MSTORE PUSH1 0x20 PUSH1 0 RETURN` (hand-assembled, so
 * the test needs no compiler). 0x1626ba7e says yes; anything else says no.
 */
async function deployWallet(chain: TestChain, magic: string): Promise<Hex> {
  const runtime = `63${magic}60e01b60005260206000f3`;
  const n = (runtime.length / 2).toString(16).padStart(2, "0");
  const bytecode = `0x60${n}600c60003960${n}6000f3${runtime}` as Hex;
  const wallet = chain.walletClient(0);
  const hash = await wallet.deployContract({ abi: [], bytecode });
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
  return receipt.contractAddress!;
}

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The other valid signature of the same message: s' = n - s, parity flipped (EIP-2 forbids it). */
function highS(sig: Hex): Hex {
  const s = BigInt("0x" + sig.slice(66, 130));
  const v = parseInt(sig.slice(130, 132), 16);
  return `${sig.slice(0, 66)}${numberToHex(N - s, { size: 32 }).slice(2)}${
    (v === 27 ? 28 : 27).toString(16)
  }` as Hex;
}

/** A SIWE message for a contract wallet at `address`, with a nonce the server issued. */
async function walletMessage(base: string, address: Hex, chainId: number): Promise<string> {
  const { nonce } = await (await fetch(`${base}/api/auth/nonce`)).json();
  return createSiweMessage({
    domain: new URL(ORIGIN).host,
    uri: ORIGIN,
    address,
    chainId,
    nonce,
    version: "1",
    issuedAt: new Date(),
  });
}

Deno.test("auth: SIWE sign-in against a real chain", async (t) => {
  const chain = await startTestChain();
  const srv = await startServer(chain, { MESH3_ALLOWED_ORIGINS: "http://alt.mesh3.test" });
  const { base } = srv;
  const alice = privateKeyToAccount(chain.accounts[1]);
  const mallory = privateKeyToAccount(chain.accounts[2]);
  const refuse = async (body: unknown, code: string, status = 401) => {
    const r = await verify(base, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
    assert.equal(r.cookie, undefined);
    assert.match(r.body.error, /^Cannot sign in/);
  };
  try {
    await t.step("behavior: nonce is fresh, long and not cached", async () => {
      const a = await fetch(`${base}/api/auth/nonce`);
      assert.equal(a.headers.get("cache-control"), "no-store");
      const { nonce } = await a.json();
      const { nonce: other } = await (await fetch(`${base}/api/auth/nonce`)).json();
      assert.match(nonce, /^[0-9a-f]{32}$/); // 128 bits
      assert.notEqual(nonce, other);
    });

    await t.step(
      "behavior: sign-in sets an HttpOnly SameSite=Strict cookie; me, ice, logout",
      async () => {
        const signed = await signedMessage(base, alice, chain.chainId, {
          expirationTime: new Date(Date.now() + 600_000),
        });
        const res = await fetch(`${base}/api/auth/verify`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: ORIGIN },
          body: JSON.stringify(signed),
        });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { address: alice.address });
        const set = res.headers.get("set-cookie") ?? "";
        assert.match(set, /^mesh3_session=[A-Za-z0-9_-]{43};/);
        assert.match(set, /HttpOnly/);
        assert.match(set, /SameSite=Strict/);
        assert.doesNotMatch(set, /Secure/); // http origin
        const cookie = set.split(";")[0];
        const me = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
        assert.deepEqual(await me.json(), { address: alice.address });
        // Signed in is not enough for ICE servers: a socket in a room is (ice_access_test.ts).
        const ice = await fetch(`${base}/api/ice?room=0x${"ab".repeat(32)}`, {
          headers: { cookie },
        });
        assert.deepEqual([ice.status, (await ice.json()).code], [403, "not-in-room"]);
        const ws = await Client.connect(srv.wsUrl, cookie);
        const out = await fetch(`${base}/api/auth/logout`, {
          method: "POST",
          headers: { cookie, origin: ORIGIN },
        });
        assert.equal(out.status, 200);
        await out.body?.cancel();
        assert.equal(await ws.error(), "unauthorized");
        assert.equal(await ws.closed(), 1008);
        const after = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
        assert.equal(after.status, 200); // signed out is an answer, not an error
        assert.deepEqual(await after.json(), { address: null });
        const iceAfter = await fetch(`${base}/api/ice`, { headers: { cookie } });
        assert.equal(iceAfter.status, 401);
        await iceAfter.body?.cancel();
      },
    );

    await t.step("behavior: another configured origin may be named, with its own URI", async () => {
      const alt = { domain: "alt.mesh3.test", uri: "http://alt.mesh3.test/room/x" };
      const r = await verify(base, await signedMessage(base, alice, chain.chainId, alt));
      assert.equal(r.status, 200);
      await refuse(
        await signedMessage(base, alice, chain.chainId, { ...alt, uri: ORIGIN }),
        "wrong-uri",
      );
    });

    await t.step("error: signature by another key", async () => {
      const { message } = await signedMessage(base, alice, chain.chainId);
      await refuse({ message, signature: await mallory.signMessage({ message }) }, "bad-signature");
    });

    await t.step("error: reused nonce (replayed message)", async () => {
      const signed = await signedMessage(base, alice, chain.chainId);
      assert.equal((await verify(base, signed)).status, 200);
      await refuse(signed, "bad-nonce");
    });

    await t.step("error: nonce the server never issued", async () => {
      const { message } = await signedMessage(base, alice, chain.chainId);
      const forged = message.replace(/Nonce: \w+/, "Nonce: 0123456789abcdef0123456789abcdef");
      await refuse(
        { message: forged, signature: await alice.signMessage({ message: forged }) },
        "bad-nonce",
      );
    });

    await t.step("error: a failed attempt burns the nonce", async () => {
      const { message } = await signedMessage(base, alice, chain.chainId);
      await refuse({ message, signature: await mallory.signMessage({ message }) }, "bad-signature");
      await refuse({ message, signature: await alice.signMessage({ message }) }, "bad-nonce");
    });

    const cases: [string, Parameters<typeof signedMessage>[3], string][] = [
      ["another domain's message", { domain: "evil.example" }, "wrong-domain"],
      ["another scheme", { scheme: "https" }, "wrong-domain"],
      ["URI on another origin", { uri: "http://evil.example/" }, "wrong-uri"],
      ["wrong chain id", { chainId: 1 }, "wrong-chain"],
      ["expired", { expirationTime: new Date(Date.now() - 1000) }, "expired"],
      ["future-dated", { issuedAt: new Date(Date.now() + 10 * 60_000) }, "future-dated"],
      ["issued long ago", { issuedAt: new Date(Date.now() - 3600_000) }, "stale"],
      ["not valid yet", { notBefore: new Date(Date.now() + 10 * 60_000) }, "not-yet-valid"],
    ];
    for (const [name, overrides, code] of cases) {
      await t.step(`error: ${name}`, async () => {
        await refuse(await signedMessage(base, alice, chain.chainId, overrides), code);
      });
    }

    await t.step("error: malleable high-s signature of a valid message", async () => {
      const signed = await signedMessage(base, alice, chain.chainId);
      await refuse({ ...signed, signature: highS(signed.signature) }, "high-s");
    });

    await t.step(
      "behavior: EIP-1271 contract wallets verify through the chain, yes or no",
      async () => {
        const yes = await deployWallet(chain, "1626ba7e");
        const no = await deployWallet(chain, "ffffffff");
        // The wallets judge the signature bytes themselves: any low-s bytes will do.
        const signature = `0x${"11".repeat(65)}` as Hex;
        const ok = await verify(base, {
          message: await walletMessage(base, yes, chain.chainId),
          signature,
        });
        assert.equal(ok.status, 200);
        assert.equal(ok.body.address.toLowerCase(), yes.toLowerCase());
        await refuse(
          { message: await walletMessage(base, no, chain.chainId), signature },
          "bad-signature",
        );
      },
    );

    await t.step("error: malformed bodies", async () => {
      await refuse({ message: 1, signature: "0x00" }, "malformed");
      await refuse({ message: "hello", signature: "0x00" }, "malformed");
      await refuse({ message: "x".repeat(5000), signature: "0x00" }, "malformed");
      const res = await fetch(`${base}/api/auth/verify`, {
        method: "POST",
        headers: { origin: ORIGIN },
        body: "{",
      });
      assert.equal(res.status, 400);
      await res.body?.cancel();
    });

    await t.step("error: POST from a foreign origin", async () => {
      const signed = await signedMessage(base, alice, chain.chainId);
      const res = await fetch(`${base}/api/auth/verify`, {
        method: "POST",
        headers: { origin: "http://evil.example" },
        body: JSON.stringify(signed),
      });
      assert.equal(res.status, 403);
      await res.body?.cancel();
    });

    await t.step("error: a made-up or tampered cookie is not a session", async () => {
      const { cookie } = await signIn(base, chain, 3);
      for (const bad of ["mesh3_session=AAAA", cookie.slice(0, -2) + "xx"]) {
        const me = await fetch(`${base}/api/auth/me`, { headers: { cookie: bad } });
        assert.equal(me.status, 200);
        assert.deepEqual(await me.json(), { address: null });
      }
    });
  } finally {
    await srv.stop();
    await chain.stop();
  }
});

Deno.test("auth: an EOA's sign-in reads nothing from the chain; a contract wallet's is judged there", async () => {
  const chain = await startTestChain();
  const proxy = startRpcProxy(chain.rpcUrl);
  const srv = await startServer(chain, { MESH3_RPC_URL: proxy.url });
  try {
    const alice = privateKeyToAccount(chain.accounts[1]);
    const wallet = await deployWallet(chain, "1626ba7e");
    const calls = proxy.count("eth_call");
    const r = await verify(srv.base, await signedMessage(srv.base, alice, chain.chainId));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(proxy.count("eth_call"), calls, "no chain read for a signature that recovers");

    const message = await walletMessage(srv.base, wallet, chain.chainId);
    const w = await verify(srv.base, { message, signature: `0x${"11".repeat(65)}` });
    assert.equal(w.status, 200, JSON.stringify(w.body));
    assert.ok(proxy.count("eth_call") > calls, "the contract wallet was asked on chain");
  } finally {
    await srv.stop();
    await proxy.stop();
    await chain.stop();
  }
});

Deno.test("auth: sign-in requests are rate-limited per IP", async () => {
  const chain = await startTestChain();
  const srv = await startServer(chain, { MESH3_AUTH_PER_MINUTE_PER_IP: "3" });
  try {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${srv.base}/api/auth/nonce`);
      statuses.push(res.status);
      await res.body?.cancel();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
  } finally {
    await srv.stop();
    await chain.stop();
  }
});
