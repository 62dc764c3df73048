import assert from "node:assert/strict";
import { swRoute } from "./sw_route.ts";

const O = "https://mesh3.example";
const SHELL = new Set(["/", "/static/build/islands-abc.js", "/static/icon-192.png"]);
const get = (path: string, mode = "cors") => ({ url: O + path, method: "GET", mode });

Deno.test("swRoute: /ws, /api, /healthz and /sw.js are never intercepted, in any mode", () => {
  for (
    const path of [
      "/ws",
      "/ws?room=0x12",
      "/api/ice?room=0x12",
      "/api/auth/nonce",
      "/api",
      "/healthz",
      "/sw.js",
    ]
  ) {
    for (const mode of ["cors", "navigate", "websocket", "same-origin", "no-cors"]) {
      assert.equal(swRoute(get(path, mode), O, SHELL), "network", `${path} ${mode}`);
    }
  }
});

Deno.test("swRoute: anything but GET, and other origins, go to the network", () => {
  for (const method of ["POST", "PUT", "DELETE", "HEAD", "OPTIONS"]) {
    assert.equal(swRoute({ ...get("/"), method }, O, SHELL), "network", method);
    assert.equal(swRoute({ ...get("/", "navigate"), method }, O, SHELL), "network", method);
  }
  const other = {
    url: "https://rpc.example/static/build/islands-abc.js",
    method: "GET",
    mode: "cors",
  };
  assert.equal(swRoute(other, O, SHELL), "network");
  assert.equal(swRoute({ url: "not a url", method: "GET", mode: "cors" }, O, SHELL), "network");
});

Deno.test("swRoute: page loads are pages (network first); shell files come from the cache", () => {
  assert.equal(swRoute(get("/", "navigate"), O, SHELL), "page");
  assert.equal(swRoute(get("/room/0x12#members=x", "navigate"), O, SHELL), "page");
  assert.equal(swRoute(get("/static/build/islands-abc.js"), O, SHELL), "shell");
  assert.equal(swRoute(get("/static/icon-192.png", "no-cors"), O, SHELL), "shell");
});

Deno.test("swRoute: a module not in this build's shell (another build's) is not served from a cache", () => {
  assert.equal(swRoute(get("/static/build/islands-old.js"), O, SHELL), "network");
  assert.equal(swRoute(get("/static/build/islands-abc.js?v=2"), O, SHELL), "network");
  assert.equal(swRoute(get("/room/0x12"), O, SHELL), "network");
});
