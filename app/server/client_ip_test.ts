import assert from "node:assert/strict";
import { clientIp } from "./client_ip.ts";

const info = {
  remoteAddr: { transport: "tcp", hostname: "10.0.0.7", port: 5000 },
} as unknown as Deno.ServeHandlerInfo;
const req = new Request("http://x/", { headers: { "x-forwarded-for": "1.2.3.4, 203.0.113.9" } });

Deno.test("clientIp: the TCP peer unless a proxy is trusted", () => {
  assert.equal(clientIp(req, info, false), "10.0.0.7");
  assert.equal(clientIp(req, info, true), "203.0.113.9"); // the proxy's own entry, not the client's
  assert.equal(clientIp(new Request("http://x/"), info, true), "10.0.0.7");
  assert.equal(clientIp(new Request("http://x/"), undefined, false), "unknown");
});
