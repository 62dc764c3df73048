/**
 * The set-up the browser engine's Deno tests share: a real chain and server, an in-memory
 * WebRTC network, and {@linkcode RoomSession}s of development accounts with their notices and
 * steps recorded, all stopped by one `close()`.
 * @module
 */
import type { Hex } from "viem";
import { ChatLog } from "../app/client/chat_log.ts";
import type { EngineIO } from "../app/client/io.ts";
import type { MemberList } from "../app/client/members.ts";
import type { Notice } from "../app/client/notices.ts";
import {
  RoomSession,
  type RoomSessionOptions,
  type SessionState,
} from "../app/client/room_session.ts";
import type { WalletConnection } from "../app/client/wallet.ts";
import type { PublicConfig } from "../app/shared/public_config.ts";
import { startTestChain, type TestChain } from "./chain.ts";
import { engineIO, type Tamper, walletConnection } from "./engine_io.ts";
import { FakeNetwork } from "./fake_rtc.ts";
import { createRoom, ORIGIN, type RunningServer, startServer } from "./server.ts";

/** A session and what it told the person. */
export interface Observed {
  s: RoomSession;
  chat: ChatLog;
  notices: Notice[];
  steps: string[];
}

/** Options of one session. */
export interface SessionOptions {
  members?: MemberList | null;
  /** Rewrites each frame the server sends this browser (a hostile server); null drops it; a
   * promise holds it (and those after it) until it settles. */
  tamper?: Tamper;
  /** Changes the engine's I/O (a hostile server's HTTP answers, say). */
  io?: (io: EngineIO) => EngineIO;
  /** Changes the wallet (count its prompts, say). */
  wallet?: (w: WalletConnection) => WalletConnection;
  /** How long a text others got may take to reach this session before it is flagged missing. */
  missingGraceMs?: number;
  /** Keeps the session's keys (testing/memory_keeper.ts stands in for IndexedDB). */
  keep?: RoomSessionOptions["keep"];
  /** How long its links may take to open, and their retries' delays. */
  linkTiming?: RoomSessionOptions["linkTiming"];
}

/** A chain, a server and the sessions a test started. */
export interface EngineBed {
  chain: TestChain;
  srv: RunningServer;
  net: FakeNetwork;
  config: PublicConfig;
  /** A session of development account `account` in `roomId`, not started. */
  session(account: number, roomId: Hex, o?: SessionOptions): Observed;
  /** The same, started (its `start()` runs in the background). */
  start(account: number, roomId: Hex, o?: SessionOptions): Observed;
  close(): Promise<void>;
}

/**
 * Starts a chain and the server for engine tests.
 *
 * @example
 * ```ts ignore
 * const bed = await startEngineBed();
 * try {
 *   const alice = bed.start(1, await createRoom(bed.chain, 1));
 *   await until(alice.s.state, (v) => v.step === "ready", "alice ready");
 * } finally {
 *   await bed.close();
 * }
 * ```
 */
export async function startEngineBed(env?: Record<string, string>): Promise<EngineBed> {
  const chain = await startTestChain();
  let srv: RunningServer;
  try {
    srv = await startServer(chain, env);
  } catch (e) {
    await chain.stop();
    throw e;
  }
  const net = new FakeNetwork();
  const config: PublicConfig = {
    chainId: chain.chainId,
    chainName: "Test chain",
    rpcUrl: chain.rpcUrl,
    registry: chain.registry,
    localDevChain: true,
  };
  const started: RoomSession[] = [];
  const session = (account: number, roomId: Hex, o: SessionOptions = {}): Observed => {
    const io = engineIO({ origin: ORIGIN, base: srv.base, net, tamper: o.tamper });
    const wallet = walletConnection(chain, account);
    const s = new RoomSession({
      config,
      roomId,
      wallet: o.wallet ? o.wallet(wallet) : wallet,
      members: o.members ?? null,
      io: o.io ? o.io(io) : io,
      missingGraceMs: o.missingGraceMs,
      keep: o.keep,
      linkTiming: o.linkTiming,
    });
    const notices: Notice[] = [];
    s.events.on("notice", (n) => notices.push(n));
    const steps: string[] = [];
    s.state.subscribe((v) => steps.at(-1) !== v.step && steps.push(v.step));
    return { s, chat: new ChatLog(s), notices, steps };
  };
  return {
    chain,
    srv,
    net,
    config,
    session,
    start(account, roomId, o) {
      const x = session(account, roomId, o);
      started.push(x.s);
      void x.s.start();
      return x;
    },
    async close() {
      for (const s of started) s.stop();
      try {
        await srv.stop();
      } finally {
        await chain.stop();
      }
    },
  };
}

/**
 * Waits (bounded) until `ok()` holds for the store's value.
 *
 * @example
 * ```ts ignore
 * await until(session.state, (v) => v.step === "ready", "ready");
 * ```
 */
export async function until<T>(
  store: { value: T; subscribe(f: (v: T) => void): () => void },
  ok: (v: T) => boolean,
  what: string,
  ms = 15_000,
): Promise<T> {
  if (ok(store.value)) return store.value;
  let off = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<T>((resolve, reject) => {
      off = store.subscribe((v) => ok(v) && resolve(v));
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    });
  } finally {
    off();
    clearTimeout(timer);
  }
}

/** Development accounts of a pair: account 2's address sorts below 1's, so Bob offers. */
export const ALICE = 1;
export const BOB = 2;

/** The open links of a session's state. */
export function openLinks(s: SessionState): SessionState["links"] {
  return s.links.filter((l) => l.state === "open");
}

/**
 * Alice waits in a new room she created; then Bob joins.
 *
 * @example
 * ```ts ignore
 * const { alice, bob } = await meet(bed, {}, { linkTiming: { connectTimeoutMs: 1_000 } });
 * ```
 */
export async function meet(
  bed: EngineBed,
  alice: SessionOptions = {},
  bob: SessionOptions = {},
): Promise<{ alice: Observed; bob: Observed }> {
  const roomId = await createRoom(bed.chain, ALICE);
  const a = bed.start(ALICE, roomId, alice);
  await until(a.s.state, (v) => v.step === "ready", "alice ready");
  return { alice: a, bob: bed.start(BOB, roomId, bob) };
}
