/**
 * The browser engine's edges in Deno, against a real Mesh3 server: `fetch` and WebSocket with a
 * cookie jar (as a browser keeps the HttpOnly session cookie) and the Origin header, the app's
 * public origin mapped to the server's loopback address (as DNS would), and WebRTC from a
 * {@linkcode FakeNetwork}. Also a wallet connection that signs with a real development key.
 *
 * @example
 * ```ts ignore
 * const net = new FakeNetwork();
 * const io = engineIO({ origin: ORIGIN, base: srv.base, net });
 * const session = new RoomSession({ config, roomId, wallet: walletConnection(chain, 1), io });
 * ```
 * @module
 */
import type { EngineIO } from "../app/client/io.ts";
import type { WalletConnection } from "../app/client/wallet.ts";
import type { TestChain } from "./chain.ts";
import type { FakeNetwork } from "./fake_rtc.ts";

/** Where the engine runs: the public origin it believes in, and where that really is. */
export interface EngineIOOptions {
  /** The app's public origin (what the server is configured with), e.g. `http://mesh3.test`. */
  origin: string;
  /** Where the server really listens, e.g. `http://127.0.0.1:41234`. */
  base: string;
  net: FakeNetwork;
  /** Rewrites each frame the server sends this browser (a hostile server); null drops it. A
   * promise holds the frame (and every later one, in order) until it settles. */
  tamper?: Tamper;
}

/** Rewrites a frame the server sends (null drops it); a promise holds it and those after it. */
export type Tamper = (frame: string) => string | null | Promise<string | null>;

/** The engine's edges for one browser; the cookie jar is its own. */
export function engineIO(o: EngineIOOptions): EngineIO & { cookies(): string } {
  const jar = new Map<string, string>();
  const cookies = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const local = (url: string) => url.replace(o.origin, o.base);
  return {
    rtc: o.net.rtc(),
    origin: o.origin,
    cookies,
    async fetch(input, init) {
      const headers = new Headers(init?.headers);
      headers.set("origin", o.origin);
      if (jar.size > 0) headers.set("cookie", cookies());
      const res = await fetch(local(String(input)), { ...init, headers });
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(";");
        const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
        const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === "";
        if (expired) jar.delete(name.trim());
        else jar.set(name.trim(), value.trim());
      }
      return res;
    },
    openSocket(url) {
      const ws = o.origin.replace(/^http/, "ws");
      const real = url.replace(ws, o.base.replace(/^http/, "ws"));
      // Deno's WebSocket takes extra request headers (a browser sends its cookies and Origin).
      const socket = new WebSocket(real, {
        headers: { cookie: cookies(), origin: o.origin },
      } as unknown as string[]);
      return o.tamper ? tampered(socket, o.tamper) : socket;
    },
  };
}

/** A socket whose incoming text frames pass through `tamper` first, in order. */
function tampered(socket: WebSocket, tamper: Tamper): WebSocket {
  let held: Promise<unknown> | null = null;
  return new Proxy(socket, {
    set(target, key, value) {
      if (key === "onmessage" && typeof value === "function") {
        target.onmessage = (e: MessageEvent) => {
          const out = typeof e.data === "string" ? tamper(e.data) : e.data;
          const deliver = (data: unknown) =>
            data !== null && value(new MessageEvent("message", { data }));
          // Frames wait behind a held one; none is held in the common case (no reordering).
          if (held === null && !(out instanceof Promise)) return void deliver(out);
          const before = held ?? Promise.resolve();
          const mine: Promise<void> = before.then(() => out).then(deliver, () => {}).then(() => {
            if (held === mine) held = null;
          });
          held = mine;
        };
        return true;
      }
      return Reflect.set(target, key, value);
    },
    get(target, key) {
      const v = Reflect.get(target, key);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

/** A wallet connection for development account `index`, signing with its real key. */
export function walletConnection(chain: TestChain, index: number): WalletConnection {
  const walletClient = chain.walletClient(index);
  return {
    kind: "dev",
    label: `test #${index}`,
    address: walletClient.account.address,
    walletClient,
    publicClient: chain.publicClient as WalletConnection["publicClient"],
  };
}
