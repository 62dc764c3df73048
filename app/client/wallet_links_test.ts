import assert from "node:assert/strict";
import { isPhone, walletLinks } from "./wallet_links.ts";

const ROOM = "https://mesh3.example/room/0x" + "ab".repeat(32) + "#members=v1.AbC-_";

Deno.test("walletLinks: MetaMask, Coinbase Wallet and Trust Wallet open the whole room link", () => {
  const links = walletLinks(ROOM);
  assert.deepEqual(links.map((l) => l.name), ["MetaMask", "Coinbase Wallet", "Trust Wallet"]);
  assert.equal(links[0].href, `https://metamask.app.link/dapp/${ROOM.slice("https://".length)}`);
  for (const link of links) {
    const url = new URL(link.href);
    assert.equal(url.protocol, "https:");
    if (link.name === "Coinbase Wallet") {
      assert.equal(url.host, "go.cb-w.com");
      assert.equal(url.searchParams.get("cb_url"), ROOM);
    }
    if (link.name === "Trust Wallet") {
      assert.equal(url.host, "link.trustwallet.com");
      assert.equal(url.searchParams.get("url"), ROOM);
      assert.equal(url.searchParams.get("coin_id"), "60");
    }
  }
  // The members part stays in the encoded links (never cut at "#").
  assert.ok(decodeURIComponent(links[1].href).endsWith("#members=v1.AbC-_"));
});

Deno.test("walletLinks: error: anything but an http(s) URL is refused", () => {
  for (const bad of ["javascript:alert(1)", "data:text/html,x", "not a url", "ftp://x.example/"]) {
    assert.throws(() => walletLinks(bad), {
      name: "TypeError",
      message: /^Cannot build wallet links: /,
    });
  }
});

Deno.test("isPhone: a touch screen with a mobile user agent only", () => {
  const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148";
  const android = "Mozilla/5.0 (Linux; Android 15; Pixel 9) Mobile Safari/537.36";
  const desktop = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0";
  assert.equal(isPhone(iphone, true), true);
  assert.equal(isPhone(android, true), true);
  assert.equal(isPhone(desktop, true), false);
  assert.equal(isPhone(iphone, false), false);
});
