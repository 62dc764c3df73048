import assert from "node:assert/strict";
import { clientIp, envIp, ipGroup } from "./client_ip.ts";

const req = "1.2.3.4, 203.0.113.9";

Deno.test("clientIp: the TCP peer unless a proxy is trusted", () => {
  assert.equal(clientIp(req, "10.0.0.7", false), "10.0.0.7");
  assert.equal(clientIp(req, "10.0.0.7", true), "203.0.113.9"); // the proxy's own entry, not the client's
  assert.equal(clientIp(null, "10.0.0.7", true), "10.0.0.7");
  assert.equal(clientIp(null, undefined, false), "unknown");
});

Deno.test("clientIp: IPv6 clients count by their /64, so rotating addresses gains nothing", () => {
  const a = clientIp(req, "2001:db8:1:2:aaaa:bbbb:cccc:1", false);
  const b = clientIp(req, "2001:db8:1:2::ffff", false);
  assert.equal(a, "2001:db8:1:2::/64");
  assert.equal(b, a);
  assert.notEqual(clientIp(req, "2001:db8:1:3::1", false), a); // the next /64 is someone else
  const proxied = "2001:db8:9:9::7";
  assert.equal(clientIp(proxied, "10.0.0.7", true), "2001:db8:9:9::/64");
});

Deno.test("ipGroup: IPv4, IPv4-mapped, bracketed and zoned IPv6, and what is not an address", () => {
  assert.equal(ipGroup("192.0.2.1"), "192.0.2.1");
  assert.equal(ipGroup("::ffff:192.0.2.1"), "192.0.2.1");
  assert.equal(ipGroup("[::1]"), "::/64");
  assert.equal(ipGroup("fe80::1%eth0"), "fe80::/64");
  assert.equal(ipGroup("not an address"), "not an address");
});

Deno.test("envIp: the key the server computed, or unknown", () => {
  assert.equal(envIp({ ip: "192.0.2.1" }), "192.0.2.1");
  assert.equal(envIp(undefined), "unknown");
});
