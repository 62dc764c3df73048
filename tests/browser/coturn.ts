/**
 * A real coturn TURN server on loopback for relay-only browser tests.
 * @module
 */

/** A running coturn. */
export interface Coturn {
  /** `turn:127.0.0.1:<port>?transport=udp`. */
  url: string;
  /** The listening port. */
  port: number;
  username: string;
  credential: string;
  /** ICE servers for RTCPeerConnection. */
  iceServers: RTCIceServer[];
  /** Stops the process and waits for it. */
  stop(): Promise<void>;
}

/**
 * Starts `turnserver` with long-term credentials on a random loopback port.
 *
 * @param reuse Port and credentials of an earlier run, to start "the same" server again.
 * @returns The running server; call `stop()` in a `finally`.
 * @throws {Error} When it does not come up on three ports in a row.
 *
 * @example
 * ```ts ignore
 * const turn = await startCoturn();
 * try { ... } finally { await turn.stop(); }
 * ```
 */
export async function startCoturn(
  reuse?: { port: number; username: string; credential: string },
): Promise<Coturn> {
  const username = reuse?.username ?? "mesh3";
  const credential = reuse?.credential ?? crypto.randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = reuse?.port ?? 20000 + Math.floor(Math.random() * 20000);
    const minPort = 40000 + Math.floor(Math.random() * 200) * 100;
    const child = new Deno.Command("turnserver", {
      args: [
        "-n",
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        `--listening-port=${port}`,
        `--min-port=${minPort}`,
        `--max-port=${minPort + 99}`,
        `--user=${username}:${credential}`,
        "--realm=mesh3",
        "--lt-cred-mech",
        "--no-cli",
        "--no-tls",
        "--no-dtls",
        "--allow-loopback-peers",
        "--no-stdout-log",
        "--log-file=/dev/null",
      ],
      stdout: "null",
      stderr: "null",
    }).spawn();
    if (await listening(port)) {
      const url = `turn:127.0.0.1:${port}?transport=udp`;
      return {
        url,
        port,
        username,
        credential,
        iceServers: [{ urls: url, username, credential }],
        async stop() {
          try {
            child.kill("SIGTERM");
          } catch { /* already gone */ }
          await child.status;
        },
      };
    }
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
  }
  throw new Error("Cannot start coturn: it did not listen on three random ports");
}

/** Waits (bounded) until something accepts TCP on the port (coturn listens on TCP and UDP). */
async function listening(port: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return false;
}
