/**
 * The lab's network: an "internet" namespace (a bridge on 203.0.113.0/24 holding the services'
 * addresses, and a control link to the root namespace on a /30 of 198.51.100.0/24), and sites: one
 * router namespace doing NAT between that bridge and a home LAN (10.<n>.0.0/24), with one or
 * two home namespaces behind it. Nothing has a route beyond these networks: no packet can leave
 * the machine. Every namespace's name starts with `m3lab-<slot>-`, so cleanup finds them all.
 * @module
 */
import { nsh, sh } from "./sh.ts";
import { LOSSY, type NatKind, routerRules } from "./nat_profiles.ts";

/** Prefix of every namespace the lab makes. */
export const LAB_PREFIX = "m3lab-";

/** Addresses of the services in the internet namespace. */
export const INET = {
  bridge: "203.0.113.1",
  app: "203.0.113.10",
  turn: "203.0.113.20",
  stun: "203.0.113.30",
} as const;

/**
 * Makes a namespace with loopback up and IPv6 off (the lab is IPv4; a late IPv6 link-local
 * address would make Chromium report a network change and abort a navigation).
 *
 * @param ns The name.
 */
async function newNamespace(ns: string): Promise<void> {
  await sh(["ip", "netns", "add", ns]);
  for (const key of ["all", "default"]) {
    await nsh(ns, ["sysctl", "-q", "-w", `net.ipv6.conf.${key}.disable_ipv6=1`], {
      allowFail: true,
    });
  }
  await nsh(ns, ["ip", "link", "set", "lo", "up"]);
}

/** A home namespace: where one browser runs. */
export interface Home {
  ns: string;
  ip: string;
  /** Its ephemeral port range (kept apart so one router can hairpin to each host). */
  ports: [number, number];
}

/** A router with its homes. */
export interface Site {
  index: number;
  kind: NatKind;
  router: string;
  wanIp: string;
  homes: Home[];
  /** How latency was added (lossy type): "netem", "delay-line" or none. */
  delay: "netem" | "delay-line" | null;
}

/** The internet namespace and its control link. */
export interface Internet {
  slot: number;
  ns: string;
  /** The root namespace's address on the control link. */
  rootIp: string;
  /** The internet namespace's address on the control link (reachable from the root). */
  ctlIp: string;
}

/**
 * Names of a lab slot's namespaces.
 *
 * @param slot 0..63, one per lab running at once.
 * @returns The internet namespace's name and the prefix of the slot's namespaces.
 */
export function slotNames(slot: number): { inet: string; prefix: string } {
  return { inet: `${LAB_PREFIX}${slot}-inet`, prefix: `${LAB_PREFIX}${slot}-` };
}

/**
 * Makes the internet namespace: bridge, service addresses, control link to the root namespace.
 *
 * @param slot The lab slot (chooses the control link's /30).
 * @returns The namespace and control addresses.
 * @example
 * ```ts ignore
 * const inet = await makeInternet(0);
 * ```
 */
export async function makeInternet(slot: number): Promise<Internet> {
  const { inet: ns } = slotNames(slot);
  const rootIp = `198.51.100.${slot * 4 + 1}`;
  const ctlIp = `198.51.100.${slot * 4 + 2}`;
  const rootIf = `m3lab${slot}`;
  await newNamespace(ns);
  await nsh(ns, ["ip", "link", "add", "wan", "type", "bridge"]);
  await nsh(ns, ["ip", "link", "set", "wan", "up"]);
  for (const ip of Object.values(INET)) {
    await nsh(ns, ["ip", "addr", "add", `${ip}/24`, "dev", "wan"]);
  }
  await sh(["ip", "link", "add", rootIf, "type", "veth", "peer", "ctl", "netns", ns]);
  await sh(["ip", "addr", "add", `${rootIp}/30`, "dev", rootIf]);
  await sh(["ip", "link", "set", rootIf, "up"]);
  await nsh(ns, ["ip", "addr", "add", `${ctlIp}/30`, "dev", "ctl"]);
  await nsh(ns, ["ip", "link", "set", "ctl", "up"]);
  // The internet namespace forwards nothing: every service is on its own addresses.
  await nsh(ns, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=0"]);
  return { slot, ns, rootIp, ctlIp };
}

/** Options of {@linkcode makeSite}. */
export interface SiteOptions {
  /** How many homes behind the router (2: both peers behind the same NAT). */
  homes?: 1 | 2;
  /** Whether the kernel has `sch_netem` (else the lossy type uses the delay line). */
  netem: boolean;
}

/**
 * Makes one router of `kind` with its home namespaces, attached to the internet bridge.
 *
 * @param inet The internet namespace.
 * @param index 1..250, unique among the sites alive at once.
 * @param kind The NAT or firewall type.
 * @param opts Number of homes, netem support.
 * @returns The site.
 * @example
 * ```ts ignore
 * const site = await makeSite(inet, 1, "symmetric", { netem: false });
 * ```
 */
export async function makeSite(
  inet: Internet,
  index: number,
  kind: NatKind,
  opts: SiteOptions,
): Promise<Site> {
  const { prefix } = slotNames(inet.slot);
  const router = `${prefix}r${index}`;
  const wanIp = `203.0.113.${100 + index}`;
  await newNamespace(router);
  await nsh(inet.ns, [
    "ip",
    "link",
    "add",
    `s${index}`,
    "type",
    "veth",
    "peer",
    "wan",
    "netns",
    router,
  ]);
  await nsh(inet.ns, ["ip", "link", "set", `s${index}`, "master", "wan", "up"]);
  await nsh(router, ["ip", "addr", "add", `${wanIp}/24`, "dev", "wan"]);
  await nsh(router, ["ip", "link", "set", "wan", "up"]);
  await nsh(router, ["ip", "link", "add", "lan", "type", "bridge"]);
  await nsh(router, ["ip", "addr", "add", `10.${index}.0.1/24`, "dev", "lan"]);
  await nsh(router, ["ip", "link", "set", "lan", "up"]);
  await nsh(router, ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);

  const homes: Home[] = [];
  for (let h = 0; h < (opts.homes ?? 1); h++) {
    const ns = `${prefix}h${index}${"ab"[h]}`;
    const ip = `10.${index}.0.${2 + h}`;
    const ports: [number, number] = h === 0 ? [20000, 29999] : [30000, 39999];
    await newNamespace(ns);
    await nsh(router, ["ip", "link", "add", `h${h}`, "type", "veth", "peer", "eth0", "netns", ns]);
    await nsh(router, ["ip", "link", "set", `h${h}`, "master", "lan", "up"]);
    await nsh(ns, ["ip", "addr", "add", `${ip}/24`, "dev", "eth0"]);
    await nsh(ns, ["ip", "link", "set", "eth0", "up"]);
    await nsh(ns, ["ip", "route", "add", "default", "via", `10.${index}.0.1`]);
    await nsh(ns, [
      "sysctl",
      "-q",
      "-w",
      `net.ipv4.ip_local_port_range=${ports[0]} ${ports[1]}`,
    ]);
    homes.push({ ns, ip, ports });
  }

  let delay: Site["delay"] = null;
  if (kind === "lossy") delay = opts.netem ? "netem" : "delay-line";
  const plan = { kind, wanIp, lanNet: `10.${index}.0.0/24`, homes };
  await nsh(router, ["iptables-restore"], { input: routerRules(plan, delay === "delay-line") });
  if (delay === "netem") {
    for (const dev of ["wan", "lan"]) {
      await nsh(router, [
        "tc",
        "qdisc",
        "add",
        "dev",
        dev,
        "root",
        "netem",
        "delay",
        `${LOSSY.delayMs}ms`,
      ]);
    }
  }
  return { index, kind, router, wanIp, homes, delay };
}

/**
 * Whether this kernel can add `tc netem` delays (a throwaway namespace is asked).
 *
 * @param probeNs A namespace name to make and delete.
 * @returns true when `sch_netem` works.
 */
export async function hasNetem(probeNs: string): Promise<boolean> {
  await sh(["ip", "netns", "add", probeNs]);
  try {
    await nsh(probeNs, ["ip", "link", "set", "lo", "up"]);
    const out = await nsh(
      probeNs,
      ["tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"],
      { allowFail: true },
    );
    const check = await nsh(probeNs, ["tc", "qdisc", "show", "dev", "lo"]);
    return out !== undefined && check.includes("netem");
  } finally {
    await sh(["ip", "netns", "del", probeNs], { allowFail: true });
  }
}
