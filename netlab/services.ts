/**
 * The "internet" side of the lab, every part real and inside the internet namespace: a Hardhat
 * EDR chain with the registry (testing/chain.ts), coturn with the shipped production config
 * (deploy/coturn/turnserver.conf; TURN on UDP and TCP 3478 and TLS 443, TURN REST secret), a
 * STUN-only coturn, and the Mesh3 server (netlab/app_server.ts, HTTPS on 443) whose `/api/ice`
 * hands out STUN and the three TURN transports.
 * @module
 */
import { startTestChain, type TestChain } from "../testing/chain.ts";
import type { LabCerts } from "./certs.ts";
import { type LabProcess, startProcess } from "./process.ts";
import { INET, type Internet } from "./topology.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** The coturn configuration the lab runs, as shipped for production. */
export const COTURN_CONFIG = `${ROOT}deploy/coturn/turnserver.conf`;

/** The running services. */
export interface Services {
  chain: TestChain;
  /** `https://203.0.113.10`, the origin the browsers open. */
  appUrl: string;
  /** The URLs `/api/ice` serves. */
  iceUrls: { stun: string[]; turn: string[] };
  /** The TURN REST secret (the server and coturn share it). */
  turnSecret: string;
  processes: LabProcess[];
  stop(): Promise<void>;
}

/** Options of {@linkcode startServices}. */
export interface ServicesOptions {
  /** Folder for the processes' logs. */
  logDir: string;
  /** More `MESH3_*` variables for the app server. */
  env?: Record<string, string>;
  /** More coturn options (after the shipped config's). */
  coturnArgs?: readonly string[];
}

/**
 * Starts chain, coturn, STUN and the app server in the internet namespace.
 *
 * @param inet The internet namespace.
 * @param certs The lab's certificates.
 * @param opts Log folder, extra server environment.
 * @returns The services; `stop()` them in a `finally`.
 * @example
 * ```ts ignore
 * const services = await startServices(inet, certs, { logDir: "/tmp/lab" });
 * ```
 */
export async function startServices(
  inet: Internet,
  certs: LabCerts,
  opts: ServicesOptions,
): Promise<Services> {
  const processes: LabProcess[] = [];
  let chain: TestChain | undefined;
  const stop = async () => {
    for (const p of processes.reverse()) await p.stop();
    await chain?.stop();
  };
  try {
    chain = await startTestChain({ hostname: inet.ctlIp, wrap: ["ip", "netns", "exec", inet.ns] });
    const turnSecret = crypto.randomUUID() + crypto.randomUUID();
    const runDir = opts.logDir;
    processes.push(
      await startProcess("coturn", [
        "turnserver",
        "-c",
        COTURN_CONFIG,
        `--listening-ip=${INET.turn}`,
        `--relay-ip=${INET.turn}`,
        `--cert=${certs.cert}`,
        `--pkey=${certs.key}`,
        `--static-auth-secret=${turnSecret}`,
        "--realm=mesh3.netlab",
        `--pidfile=${runDir}/coturn.pid`,
        ...(opts.coturnArgs ?? []),
      ], {
        ns: inet.ns,
        logFile: `${runDir}/coturn.log`,
        readyLine: /Total General servers/,
      }),
    );
    processes.push(
      await startProcess("stun", [
        "turnserver",
        "-n",
        "--stun-only",
        `--relay-ip=${INET.stun}`,
        `--listening-ip=${INET.stun}`,
        "--listening-port=3478",
        "--no-tls",
        "--no-dtls",
        "--no-cli",
        "--log-file=stdout",
        "--simple-log",
        `--pidfile=${runDir}/stun.pid`,
      ], { ns: inet.ns, logFile: `${runDir}/stun.log`, readyLine: /Total General servers/ }),
    );
    const iceUrls = {
      stun: [`stun:${INET.stun}:3478`],
      turn: [
        `turn:${INET.turn}:3478?transport=udp`,
        `turn:${INET.turn}:3478?transport=tcp`,
        `turns:${INET.turn}:443?transport=tcp`,
      ],
    };
    const appUrl = `https://${INET.app}`;
    processes.push(
      await startProcess("mesh3", [
        Deno.execPath(),
        "run",
        "-A",
        "--no-check",
        `${ROOT}netlab/app_server.ts`,
      ], {
        ns: inet.ns,
        logFile: `${runDir}/mesh3.log`,
        readyLine: /^ready$/m,
        timeoutMs: 120_000,
        env: {
          MESH3_HOST: INET.app,
          MESH3_PORT: "443",
          MESH3_PUBLIC_ORIGIN: appUrl,
          MESH3_RPC_URL: chain.rpcUrl,
          MESH3_CHAIN_ID: String(chain.chainId),
          MESH3_REGISTRY: chain.registry,
          MESH3_CHAIN_POLL_MS: "200",
          MESH3_STUN_URLS: iceUrls.stun.join(","),
          MESH3_TURN_URLS: iceUrls.turn.join(","),
          MESH3_TURN_SECRET: turnSecret,
          NETLAB_CERT: certs.cert,
          NETLAB_KEY: certs.key,
          ...opts.env,
        },
      }),
    );
    return { chain, appUrl, iceUrls, turnSecret, processes, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
