/**
 * The routers of the lab: each NAT or firewall type as the iptables rules (nftables backend) of
 * a router namespace between one home LAN and the lab's "internet".
 *
 * Linux conntrack NAT keeps the source port when it can and lets in only replies from the exact
 * address and port a mapping was made for: a port-restricted cone NAT. The other types are built
 * from it: `--random-fully` makes every new destination a new port (symmetric); a DNAT of
 * unsolicited UDP back to the home host opens the filter to everyone (full cone) or to the
 * addresses the host has sent to (address-restricted, `xt_recent`); forward rules block UDP or
 * everything but TCP 443; a delay line and random drops add latency and loss.
 * @module
 */

/** The NAT and firewall types the lab builds. */
export const NAT_KINDS = [
  "full-cone",
  "address-restricted",
  "port-restricted",
  "symmetric",
  "udp-blocked",
  "tcp-443-only",
  "lossy",
] as const;

/** One NAT or firewall type. */
export type NatKind = typeof NAT_KINDS[number];

/** What a router needs to know to write its rules. */
export interface RouterPlan {
  kind: NatKind;
  /** The router's address on the internet side. */
  wanIp: string;
  /** The home LAN, e.g. 10.3.0.0/24. */
  lanNet: string;
  /** Home hosts and the UDP port range each one's ephemeral ports come from. */
  homes: { ip: string; ports: [number, number] }[];
}

/** One-way delay and loss of the `lossy` type: 80 ms more round trip, 1 % loss each way. */
export const LOSSY = { delayMs: 40, lossPercent: 1 } as const;

/** Human description of each type, for the report. */
export const NAT_DESCRIPTIONS: Record<NatKind, string> = {
  "full-cone": "endpoint-independent mapping and filtering (unsolicited UDP DNAT'ed to the host)",
  "address-restricted":
    "endpoint-independent mapping; inbound UDP only from addresses the host sent to (xt_recent)",
  "port-restricted": "endpoint-independent mapping; inbound only from the exact address:port",
  "symmetric": "a new random port per destination (MASQUERADE --random-fully)",
  "udp-blocked": "port-restricted NAT that drops all outbound UDP: only TCP leaves",
  "tcp-443-only": "port-restricted NAT that lets out only TCP to port 443",
  "lossy": `port-restricted NAT with +${
    2 * LOSSY.delayMs
  } ms round trip and ${LOSSY.lossPercent} % loss each way`,
};

/** The NFQUEUE number the delay line of a lossy router reads. */
export const DELAY_QUEUE = 7;

/**
 * The router's rules as `iptables-restore` input (interfaces `wan` and `lan`).
 *
 * @param plan Type, addresses and home hosts.
 * @param delayLine Send forwarded packets through the NFQUEUE delay line (lossy type, when the
 *   kernel has no `sch_netem`).
 * @returns The rules text.
 *
 * @example
 * ```ts
 * const rules = routerRules({
 *   kind: "symmetric", wanIp: "203.0.113.101", lanNet: "10.1.0.0/24",
 *   homes: [{ ip: "10.1.0.2", ports: [20000, 29999] }],
 * }, false);
 * ```
 */
export function routerRules(plan: RouterPlan, delayLine: boolean): string {
  const { kind, wanIp, lanNet, homes } = plan;
  const mangle: string[] = [];
  const nat: string[] = [];
  const filter: string[] = [
    "-A INPUT -i lo -j ACCEPT",
    "-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "-A INPUT -i lan -p icmp -j ACCEPT",
    "-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    // Unsolicited packets let in by a DNAT rule below (full cone, address-restricted, hairpin).
    "-A FORWARD -m conntrack --ctstate DNAT -j ACCEPT",
  ];
  if (kind === "udp-blocked") filter.push("-A FORWARD -i lan -o wan -p udp -j DROP");
  if (kind === "tcp-443-only") {
    filter.push("-A FORWARD -i lan -o wan -p tcp --dport 443 -j ACCEPT");
    filter.push("-A FORWARD -i lan -o wan -j DROP");
  }
  if (kind === "address-restricted") {
    filter.push("-A FORWARD -i lan -o wan -m recent --name m3out --rdest --set -j ACCEPT");
  }
  filter.push("-A FORWARD -i lan -o wan -j ACCEPT");

  const random = kind === "symmetric" ? " --random-fully" : "";
  nat.push(`-A POSTROUTING -o wan -j SNAT --to-source ${wanIp}${random}`);
  if (kind === "full-cone" || kind === "address-restricted") {
    const only = kind === "address-restricted" ? " -m recent --name m3out --rsource --rcheck" : "";
    for (const h of homes) {
      nat.push(
        `-A PREROUTING -i wan -d ${wanIp} -p udp --dport ${h.ports[0]}:${h.ports[1]}${only} ` +
          `-j DNAT --to-destination ${h.ip}`,
      );
    }
  }
  if (homes.length > 1) {
    // Hairpin: a host reaching its neighbour through the router's public address.
    for (const h of homes) {
      nat.push(
        `-A PREROUTING -i lan -d ${wanIp} -p udp --dport ${h.ports[0]}:${h.ports[1]} ` +
          `-j DNAT --to-destination ${h.ip}`,
      );
    }
    nat.push(`-A POSTROUTING -o lan -s ${lanNet} -d ${lanNet} -j SNAT --to-source ${wanIp}`);
  }
  if (kind === "lossy") {
    const p = (LOSSY.lossPercent / 100).toFixed(4);
    mangle.push(`-A FORWARD -m statistic --mode random --probability ${p} -j DROP`);
    if (delayLine) mangle.push(`-A FORWARD -j NFQUEUE --queue-num ${DELAY_QUEUE}`);
  }
  return [
    "*mangle",
    ...mangle,
    "COMMIT",
    "*nat",
    ...nat,
    "COMMIT",
    "*filter",
    ":INPUT DROP [0:0]",
    ":FORWARD DROP [0:0]",
    ...filter,
    "COMMIT",
    "",
  ].join("\n");
}
