import assert from "node:assert/strict";
import { NAT_KINDS, routerRules } from "./nat_profiles.ts";

const plan = (kind: typeof NAT_KINDS[number], homes = 1) => ({
  kind,
  wanIp: "203.0.113.101",
  lanNet: "10.1.0.0/24",
  homes: [
    { ip: "10.1.0.2", ports: [20000, 29999] as [number, number] },
    { ip: "10.1.0.3", ports: [30000, 39999] as [number, number] },
  ].slice(0, homes),
});

Deno.test("routerRules: every type drops unsolicited traffic by default and NATs to its WAN address", () => {
  for (const kind of NAT_KINDS) {
    const rules = routerRules(plan(kind), false);
    assert.match(rules, /^:INPUT DROP/m, kind);
    assert.match(rules, /^:FORWARD DROP/m, kind);
    assert.match(rules, /-A POSTROUTING -o wan -j SNAT --to-source 203\.0\.113\.101/, kind);
  }
});

Deno.test("routerRules: each type has the rule that makes it that type, and no other type has it", () => {
  const distinctive: Record<string, RegExp> = {
    "full-cone": /-A PREROUTING -i wan -d 203\.0\.113\.101 -p udp --dport 20000:29999 -j DNAT/,
    "address-restricted": /--rsource --rcheck -j DNAT --to-destination 10\.1\.0\.2/,
    "symmetric": /--random-fully/,
    "udp-blocked": /-A FORWARD -i lan -o wan -p udp -j DROP/,
    "tcp-443-only": /-p tcp --dport 443 -j ACCEPT\n-A FORWARD -i lan -o wan -j DROP/,
    "lossy": /statistic --mode random --probability 0\.0100 -j DROP/,
  };
  for (const kind of NAT_KINDS) {
    const rules = routerRules(plan(kind), false);
    for (const [k, re] of Object.entries(distinctive)) {
      assert.equal(re.test(rules), k === kind, `${kind} vs the rule of ${k}`);
    }
  }
});

Deno.test("routerRules: the delay line queue is used only when asked, for the lossy type", () => {
  assert.match(routerRules(plan("lossy"), true), /-j NFQUEUE --queue-num 7/);
  assert.doesNotMatch(routerRules(plan("lossy"), false), /NFQUEUE/);
  assert.doesNotMatch(routerRules(plan("symmetric"), true), /NFQUEUE/);
});

Deno.test("routerRules: two homes behind one router get hairpin DNAT by port range and SNAT", () => {
  const rules = routerRules(plan("port-restricted", 2), false);
  assert.match(
    rules,
    /-i lan -d 203\.0\.113\.101 -p udp --dport 20000:29999 -j DNAT --to-destination 10\.1\.0\.2/,
  );
  assert.match(
    rules,
    /-i lan -d 203\.0\.113\.101 -p udp --dport 30000:39999 -j DNAT --to-destination 10\.1\.0\.3/,
  );
  assert.match(rules, /-A POSTROUTING -o lan -s 10\.1\.0\.0\/24 -d 10\.1\.0\.0\/24 -j SNAT/);
  assert.doesNotMatch(routerRules(plan("port-restricted", 1), false), /-i lan -d/);
});
