import assert from "node:assert/strict";
import type { Hex } from "viem";
import type { RoomInfo } from "../../chain/room.ts";
import type { PublicConfig } from "../../shared/public_config.ts";
import { pages } from "../../pages.ts";
import { buildAssets, webApp } from "./mod.ts";
import type { IslandsPayload } from "../../shared/islands_format.ts";

const config: PublicConfig = {
  chainId: 31337,
  chainName: "Local development chain",
  rpcUrl: "http://127.0.0.1:8545",
  registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  localDevChain: true,
};
const id = (byte: string) => `0x${byte.repeat(32)}` as Hex;
const CREATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Hex;
const ZERO_ROOT = id("00");
const rooms = new Map<Hex, RoomInfo>([
  [id("0a"), {
    roomId: id("0a"),
    creator: CREATOR,
    membersRoot: ZERO_ROOT,
    expiresAt: 0n,
    closed: false,
    membersOnly: false,
  }],
  [id("0b"), {
    roomId: id("0b"),
    creator: CREATOR,
    membersRoot: id("ab"),
    expiresAt: 4102444800n, // 2100-01-01
    closed: false,
    membersOnly: true,
  }],
  [id("0c"), {
    roomId: id("0c"),
    creator: CREATOR,
    membersRoot: ZERO_ROOT,
    expiresAt: 0n,
    closed: true,
    membersOnly: false,
  }],
  [id("0d"), {
    roomId: id("0d"),
    creator: CREATOR,
    membersRoot: ZERO_ROOT,
    expiresAt: 1000n,
    closed: false,
    membersOnly: false,
  }],
]);

const assets = await buildAssets();
const asked: Hex[] = [];
let chainDown = false;
const app = webApp({
  pages,
  assets,
  publicConfig: config,
  getRoom: (roomId) => {
    asked.push(roomId);
    if (chainDown) return Promise.reject(new Error("fetch failed: secret-rpc-detail"));
    return Promise.resolve(rooms.get(roomId) ?? null);
  },
});

// deno-lint-ignore no-explicit-any
function payload(html: string): IslandsPayload & { islands: { props: any }[] } {
  const m = html.match(/<script type="application\/json" id="__mesh3_islands">(.*?)<\/script>/);
  assert.ok(m);
  return JSON.parse(m[1]);
}

Deno.test("webApp: / renders the Home island with the public config", async () => {
  const res = await app.request("/");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=UTF-8");
  assert.equal(res.headers.get("cache-control"), "no-store");
  const csp = res.headers.get("content-security-policy") ?? "";
  // Scripts from the site, and the one inline script: the import map, by its hash.
  assert.ok(csp.includes(`script-src 'self' ${assets.importMapCsp};`), csp);
  const html = await res.text();
  assert.ok(html.includes(`<script type="importmap">${assets.importMap}</script>`));
  assert.ok(html.startsWith('<!DOCTYPE html><html lang="en"'));
  assert.match(html, /<title>Mesh3 · private peer-to-peer chat<\/title>/);
  assert.ok(html.includes(`<link rel="stylesheet" href="${assets.stylesheet}"/>`));
  assert.match(assets.scriptIntegrity, /^sha384-[A-Za-z0-9+/]{64}$/);
  assert.ok(
    html.includes(
      `<script type="module" src="${assets.script}" integrity="${assets.scriptIntegrity}"></script>`,
    ),
  );
  assert.match(html, /<mesh3-island data-island="0">/);
  assert.match(html, /Nothing is stored\./);
  assert.deepEqual(payload(html).islands, [{ name: "Home", props: { config } }]);
});

Deno.test("webApp: /room/:id shows the room as read from the chain", async (t) => {
  const cases: [string, Hex, RegExp[]][] = [
    ["open, never expires", id("0a"), [/Active/, /Open: any wallet/, />Never</]],
    ["members only, expires", id("0b"), [/Members only: wallets/, />2100-01-01 00:00 UTC</]],
    ["closed", id("0c"), [/>Closed</, /Closed by its creator/]],
    ["expired", id("0d"), [/>Expired</, /1970-01-01 00:16 UTC \(passed\)/]],
  ];
  for (const [name, roomId, patterns] of cases) {
    await t.step(name, async () => {
      const res = await app.request(`/room/${roomId}`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.ok(html.includes(CREATOR));
      assert.ok(html.includes(roomId));
      for (const p of patterns) assert.match(html, p);
      const room = rooms.get(roomId)!;
      assert.deepEqual(payload(html).islands, [{
        name: "Room",
        props: {
          config,
          roomId,
          room: { ...room, expiresAt: room.expiresAt.toString() },
        },
      }]);
    });
  }
});

Deno.test("webApp: a room id in upper case is read in lower case", async () => {
  asked.length = 0;
  const res = await app.request(`/room/0x${"0A".repeat(32)}`);
  assert.equal(res.status, 200);
  assert.deepEqual(asked, [id("0a")]);
});

Deno.test("webApp: error: a malformed room id gets a 400 page without a chain read", async () => {
  asked.length = 0;
  for (
    const bad of [
      "xyz",
      "0x123",
      `0x${"a".repeat(63)}`,
      `0x${"a".repeat(65)}`,
      `0x${"g".repeat(64)}`,
      `${"a".repeat(66)}`,
      "%3Cscript%3E",
    ]
  ) {
    const res = await app.request(`/room/${bad}`);
    assert.equal(res.status, 400, bad);
    const html = await res.text();
    assert.match(html, /That is not a room id/);
    assert.match(html, /followed by 64 hexadecimal digits/);
    assert.doesNotMatch(html, /<script>/);
  }
  assert.deepEqual(asked, []);
});

Deno.test("webApp: error: an unknown room gets a 404 page", async () => {
  const res = await app.request(`/room/${id("ff")}`);
  assert.equal(res.status, 404);
  const html = await res.text();
  assert.match(html, /No such room/);
  assert.match(html, /no room with this id on Local development chain/);
  assert.doesNotMatch(html, /mesh3-island/);
});

Deno.test("webApp: error: an unreachable chain gets a 503 page that says so", async () => {
  chainDown = true;
  const warn = console.warn;
  console.warn = () => {};
  try {
    const res = await app.request(`/room/${id("0a")}`);
    assert.equal(res.status, 503);
    const html = await res.text();
    assert.match(html, /The chain cannot be reached/);
    assert.match(html, /reads rooms from Local development chain and cannot reach it right now/);
    assert.doesNotMatch(html, /secret-rpc-detail/);
  } finally {
    chainDown = false;
    console.warn = warn;
  }
});

Deno.test("webApp: error: an unknown path gets the 404 page with security headers", async () => {
  const res = await app.request("/nowhere");
  assert.equal(res.status, 404);
  assert.match(await res.text(), /Page not found/);
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
});

Deno.test("webApp: built assets are served immutable, other static files briefly cached", async () => {
  const js = await app.request(assets.script);
  assert.equal(js.status, 200);
  assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(js.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(js.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(new Uint8Array(await js.arrayBuffer()), assets.files.get(assets.script)!.body);
  assert.equal(js.headers.get("content-encoding"), null);

  const css = await app.request(assets.stylesheet);
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  assert.equal(css.headers.get("cache-control"), "public, max-age=31536000, immutable");
  await css.body?.cancel();

  const icon = await app.request("/static/favicon.svg");
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get("content-type") ?? "", /^image\/svg\+xml/);
  assert.equal(icon.headers.get("cache-control"), "public, max-age=3600, must-revalidate");
  await icon.body?.cancel();

  const ico = await app.request("/favicon.ico");
  assert.equal(ico.status, 301);
  assert.equal(ico.headers.get("location"), "/static/favicon.svg");
});

Deno.test("webApp: built files go brotli or gzip as the request accepts, with Vary", async (t) => {
  const file = assets.files.get(assets.script)!;
  const cases: [string, string | null, Uint8Array][] = [
    ["gzip, deflate, br, zstd", "br", file.br!],
    ["gzip", "gzip", file.gzip!],
    ["br;q=0, gzip;q=0.5", "gzip", file.gzip!],
    ["identity", null, file.body],
  ];
  for (const [accept, coding, body] of cases) {
    await t.step(accept, async () => {
      const res = await app.request(assets.script, { headers: { "Accept-Encoding": accept } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("content-encoding"), coding);
      assert.equal(res.headers.get("vary"), "Accept-Encoding");
      assert.equal(res.headers.get("cache-control"), "public, max-age=31536000, immutable");
      assert.deepEqual(new Uint8Array(await res.arrayBuffer()), body);
    });
  }
});

Deno.test("webApp: a page preloads its island's modules, all of them served with the integrity the page names", async () => {
  const html = await (await app.request("/")).text();
  const found = [
    ...html.matchAll(/<link rel="modulepreload" href="([^"]+)" integrity="([^"]+)"\/>/g),
  ];
  const links = found.map((m) => m[1]);
  assert.deepEqual(links, assets.preload.get("Home"));
  assert.ok(links.some((u) => /\/Home-\w+\.js$/.test(u)));
  assert.ok(!links.some((u) => /\/Room-\w+\.js$/.test(u)), "the home page does not load Room");
  const map = JSON.parse(html.match(/<script type="importmap">(.*?)<\/script>/)![1]) as {
    integrity: Record<string, string>;
  };
  for (const [, u, integrity] of found) {
    const res = await app.request(u, { headers: { "accept-encoding": "identity" } });
    assert.equal(res.status, 200, u);
    const body = new Uint8Array(await res.arrayBuffer());
    const d = new Uint8Array(await crypto.subtle.digest("SHA-384", body));
    assert.equal(integrity, `sha384-${btoa(String.fromCharCode(...d))}`, u);
    assert.equal(map.integrity[u], integrity, u);
  }
  // Modules the page may import later (Room's, the engine's) are in the import map too.
  const chunks = [...assets.files.keys()].filter((u) =>
    u.endsWith(".js") && u !== assets.serviceWorker && u !== assets.fileWriter
  );
  assert.deepEqual(Object.keys(map.integrity).sort(), chunks.sort());
});

Deno.test("webApp: error: unknown, source and outside files are not served", async () => {
  for (
    const path of [
      "/static/build/islands-0000000000000000.js",
      "/static/styles.css",
      "/static/../deno.json",
      "/static/%2e%2e/deno.json",
      "/static/..%2fdeno.json",
      "/static//etc/passwd",
    ]
  ) {
    const res = await app.request(path);
    assert.equal(res.status, 404, path);
    assert.match(await res.text(), /Page not found/, path);
  }
});

Deno.test("webApp: text from the config is escaped in HTML and in the payload", async () => {
  const hostile = webApp({
    pages,
    assets,
    publicConfig: { ...config, chainName: `</script><script>alert(1)</script>` },
    getRoom: () => Promise.resolve(null),
  });
  const html = await (await hostile.request("/")).text();
  // The payload, the import map and the module script: nothing injected.
  assert.equal(html.match(/<script/g)?.length, 3);
  assert.equal(
    payload(html).islands[0].props.config.chainName,
    "</script><script>alert(1)</script>",
  );
});

Deno.test("webApp: error: refuses assets whose islands are not registered", () => {
  assert.throws(
    () =>
      webApp({
        pages,
        assets: { ...assets, islands: ["Home", "NotLoaded"] },
        publicConfig: config,
        getRoom: () => Promise.resolve(null),
      }),
    {
      name: "Error",
      message: "Cannot build the web app: islands NotLoaded are not registered (use buildAssets)",
    },
  );
});
