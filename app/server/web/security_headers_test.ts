import assert from "node:assert/strict";
import { Hono } from "hono";
import { securityHeaders } from "./security_headers.ts";

function appWith(opts: Parameters<typeof securityHeaders>[0]) {
  const app = new Hono();
  app.use(securityHeaders(opts));
  app.get("/", (c) => c.text("ok"));
  app.get("/boom", () => {
    throw new Error("boom");
  });
  return app;
}

function csp(res: Response): Map<string, string> {
  const value = res.headers.get("content-security-policy") ?? "";
  return new Map(
    value.split("; ").map((d) => {
      const [name, ...rest] = d.split(" ");
      return [name, rest.join(" ")];
    }),
  );
}

Deno.test("securityHeaders: strict CSP with the WebSocket and RPC origins in connect-src", async () => {
  const res = await appWith({ rpcUrl: "http://127.0.0.1:8545/some/path" }).request(
    "http://mesh3.test:8000/",
  );
  assert.equal(res.status, 200);
  assert.deepEqual(Object.fromEntries(csp(res)), {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self' ws://mesh3.test:8000 http://127.0.0.1:8545",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
  });
});

Deno.test("securityHeaders: no inline script, style or eval is allowed", async () => {
  const res = await appWith({}).request("http://localhost/");
  const value = res.headers.get("content-security-policy") ?? "";
  assert.doesNotMatch(value, /unsafe-inline|unsafe-eval|nonce-|sha256-|\*/);
});

Deno.test("securityHeaders: https pages connect to wss, and extra origins are added", async () => {
  const app = appWith({
    rpcUrl: "https://rpc.example.org/v1/key",
    connectSrc: ["https://turn.example"],
  });
  const res = await app.request("https://mesh3.example/");
  assert.equal(
    csp(res).get("connect-src"),
    "'self' wss://mesh3.example https://turn.example https://rpc.example.org",
  );
});

Deno.test("securityHeaders: the other headers", async () => {
  const res = await appWith({}).request("http://localhost/");
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.equal(res.headers.get("cross-origin-opener-policy"), "same-origin");
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(
    res.headers.get("permissions-policy"),
    "camera=(self), microphone=(self), display-capture=(self), speaker-selection=(self), " +
      "geolocation=(), payment=(), usb=()",
  );
  assert.equal(res.headers.get("strict-transport-security"), null);
});

Deno.test("securityHeaders: HSTS only when asked for", async () => {
  const res = await appWith({ hsts: true }).request("https://mesh3.example/");
  assert.equal(res.headers.get("strict-transport-security"), "max-age=31536000; includeSubDomains");
});

Deno.test("securityHeaders: error responses carry the headers too", async () => {
  const app = appWith({});
  app.onError((_err, c) => c.text("failed", 500));
  const res = await app.request("http://localhost/boom");
  assert.equal(res.status, 500);
  assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'self'/);
});

Deno.test("securityHeaders: error: a malformed rpcUrl is refused at setup", () => {
  assert.throws(() => securityHeaders({ rpcUrl: "not a url" }), {
    name: "TypeError",
    message: 'Cannot build the Content-Security-Policy: rpcUrl "not a url" is not a URL',
  });
});
