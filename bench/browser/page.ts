/**
 * Browser entry for benchmarks 3 and 4, bundled and served by bench/servers/mesh3_server.ts on
 * the Mesh3 server's own origin. Exposes `bench` for the orchestrator (playwright):
 *
 * - Mesh3: `prepare` (wallet, fresh keys, commitment mined: not timed) then `enter` (timed:
 *   SIWE sign-in, ICE config, socket, join, the real PeerLink with chain checks, DTLS
 *   certificate check, key confirmation, first encrypted message), with marks at each step.
 * - Raw baseline: `rawEnter` opens a WebSocket to the bare relay and connects a plain
 *   RTCPeerConnection + DataChannel (no checks, no encryption), first message in the clear.
 * - Throughput over the raw connection: 64 MiB sent in the clear or sealed with the core's
 *   channel (app/core/channel.ts), flow control through `bufferedAmountLowThreshold`.
 * @module
 */
import type { Address, Hex } from "viem";
import {
  type Channel,
  createChannel,
  deriveConnectionKeys,
  deriveSessionKeys,
  type EcdhKeyPair,
  generateEcdhKeyPair,
  generateKemKeyPair,
  type HelloSecrets,
  type KemKeyPair,
  makeHello,
  parseHello,
  type SessionKeys as SessionKeysV2,
} from "../../app/core/mod.ts";
import type { ServerMessage } from "../../app/core/wire.ts";
import { registryReader } from "../../app/chain/registry.ts";
import { CommitmentPreread } from "../../app/client/commitment_preread.ts";
import { fetchIceConfig, type IceConfig } from "../../app/client/ice.ts";
import { browserIO, type EngineIO, signalingUrl } from "../../app/client/io.ts";
import { PeerLink } from "../../app/client/peer_link.ts";
import { makeSessionKeys, type SessionKeys } from "../../app/client/session_keys.ts";
import { SignalingClient } from "../../app/client/signaling.ts";
import { signIn } from "../../app/client/siwe.ts";
import { commitKey } from "../../app/client/transactions.ts";
import { WalletStore } from "../../app/client/wallet.ts";
import type { PublicConfig } from "../../app/shared/public_config.ts";

const ZERO: Hex = `0x${"00".repeat(32)}`;

/** Wall-clock marks (ms since the epoch, sub-ms precision). */
const marks: Record<string, number> = {};
const now = () => performance.timeOrigin + performance.now();
const mark = (name: string) => {
  if (!(name in marks)) marks[name] = now();
};

// The engine's own edges, with ICE and DTLS completion of every peer connection marked.
const browser = browserIO();
const io: EngineIO = {
  ...browser,
  rtc: {
    generateCertificate: browser.rtc.generateCertificate,
    createPeerConnection(config) {
      const pc = browser.rtc.createPeerConnection(config);
      pc.addEventListener("iceconnectionstatechange", () => {
        const s = pc.iceConnectionState;
        if (s === "connected" || s === "completed") mark("ice-connected");
      });
      pc.addEventListener("connectionstatechange", () => {
        if (pc.connectionState === "connected") mark("dtls-connected");
      });
      return pc;
    },
  },
};

let wallet: WalletStore | null = null;
let prepared: { roomId: Hex; keys: SessionKeys } | null = null;
let firstMessage: (() => void) | null = null;
let received: Promise<number> | null = null;

let rawPc: RTCPeerConnection | null = null;
let rawDc: RTCDataChannel | null = null;
let channel: Channel | null = null;
let ecdh: {
  pair: EcdhKeyPair;
  kem: KemKeyPair;
  session: SessionKeysV2 | null;
  hello: (HelloSecrets & { hello: Uint8Array }) | null;
} | null = null;

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

const bench = {
  async prepare(config: PublicConfig, roomId: Hex): Promise<Address> {
    if (!wallet) {
      wallet = new WalletStore(config);
      wallet.start();
      for (let i = 0; i < 100 && wallet.state.value.wallets.length === 0; i++) await sleep(20);
      await wallet.connect(wallet.state.value.wallets[0]);
    }
    const conn = wallet.connection;
    if (!conn) throw new Error(wallet.state.value.error ?? "Cannot connect the test wallet");
    const { chainId, registry } = config;
    const keys = await makeSessionKeys(io.rtc, {
      chainId,
      registry,
      roomId,
      member: conn.address,
    });
    await commitKey(conn, config.registry, roomId, keys.commitment, [], () => {});
    prepared = { roomId, keys };
    return conn.address;
  },

  /** Timed: resolves once the first decrypted message arrived (or after 30 s). */
  async enter(config: PublicConfig): Promise<Record<string, number>> {
    for (const k of Object.keys(marks)) delete marks[k];
    const conn = wallet!.connection!;
    const p = prepared!;
    const got = new Promise<void>((r) => firstMessage = r);
    mark("enter");
    await signIn({ walletClient: conn.walletClient, fetch: io.fetch, origin: io.origin });
    mark("signed-in");
    // ICE servers are given to a socket in the room: asked at `joined` (as RoomSession does).
    let ice: IceConfig = { iceServers: [] };
    let link: PeerLink | null = null;
    // As RoomLinks does: a peer's commitment is read when it appears in the room.
    const reader = registryReader(conn.publicClient, config.registry);
    const preread = new CommitmentPreread(reader, p.roomId);
    const prereadPeer = (peer: Address) => {
      if (!link && !preread.usable(peer)) preread.read(peer).catch(() => {});
    };
    const ensure = (peer: Address) => {
      if (link) return link;
      prereadPeer(peer);
      link = new PeerLink({
        self: conn.address,
        roomId: p.roomId,
        chainId: config.chainId,
        registry: config.registry,
        keys: p.keys,
        ice,
        freshIce: () => Promise.resolve(ice),
        rtc: io.rtc,
        reader,
        preread,
        signal: (m) => {
          if (m.type !== "ice") mark(`${m.type}-sent`);
          return signaling.send(m);
        },
      }, peer);
      const l = link;
      l.events.on("text", () => {
        mark("first-message");
        firstMessage?.();
      });
      l.status.subscribe(({ state: s }) => {
        mark(`state-${s}`);
        // A link without its room session: a fixed roster hash (no group checks in the bench).
        if (s === "open") {
          void l.send({ id: "bench", text: "hello", sentAt: Date.now(), roster: ZERO });
        }
      });
      void l.start();
      return l;
    };
    const onMessage = (m: ServerMessage) => {
      if (m.type === "joined") {
        mark("joined");
        m.peers.forEach(prereadPeer);
        // As RoomLinks does: the servers come in `joined` (asked for only when they do not).
        const given = m.ice ? Promise.resolve(m.ice) : undefined;
        void (given ?? fetchIceConfig(io.fetch, io.origin, p.roomId)).then((config) => {
          ice = config;
          mark("ice-config");
          for (const peer of m.peers) ensure(peer);
        });
      } else if (m.type === "presence" && m.state === "joined") {
        prereadPeer(m.address);
        ensure(m.address);
      } else if (m.type === "offer" || m.type === "answer") {
        mark(`${m.type}-received`);
        void ensure(m.from).handleDescription(m.type, m);
      } else if (m.type === "ice") void link?.handleIce(m.candidate);
    };
    const signaling = new SignalingClient({
      url: signalingUrl(io.origin),
      onMessage,
      onOpen: () => mark("socket-open"),
    });
    signaling.connect();
    signaling.join(p.roomId);
    await Promise.race([got, sleep(30_000)]);
    await sleep(200); // let the peer receive its first message too
    signaling.close();
    (link as PeerLink | null)?.close();
    return { ...marks };
  },

  /** Timed raw baseline through the bare relay. */
  async rawEnter(relay: string, self: string, peer: string, offerer: boolean) {
    for (const k of Object.keys(marks)) delete marks[k];
    rawDc?.close();
    rawPc?.close();
    const got = new Promise<void>((r) => firstMessage = r);
    // The same DTLS certificate as Mesh3's (ECDSA P-256, made before the timed part as
    // `prepare` makes Mesh3's), so the DTLS step differs in nothing but Mesh3's own work.
    const certificate = await io.rtc.generateCertificate();
    mark("enter");
    const ws = new WebSocket(`${relay}/ws?id=${self}`);
    const send = (m: Record<string, unknown>) => ws.send(JSON.stringify({ to: peer, ...m }));
    const pc = rawPc = io.rtc.createPeerConnection({ iceServers: [], certificates: [certificate] });
    pc.onicecandidate = (e) => send({ type: "ice", candidate: e.candidate?.toJSON() ?? null });
    const useDc = (dc: RTCDataChannel) => {
      rawDc = dc;
      dc.binaryType = "arraybuffer";
      dc.onopen = () => {
        mark("dc-open");
        dc.send("hello");
      };
      dc.onmessage = () => {
        mark("first-message");
        firstMessage?.();
      };
    };
    pc.ondatachannel = (e) => useDc(e.channel);
    let started = false;
    let greeted = false;
    const start = async () => {
      if (started || !offerer) return;
      started = true;
      useDc(pc.createDataChannel("raw", { ordered: true }));
      await pc.setLocalDescription(await pc.createOffer());
      mark("offer-sent");
      send({ type: "offer", sdp: pc.localDescription!.sdp });
    };
    ws.onopen = () => {
      mark("socket-open");
      send({ type: "hello" });
    };
    ws.onmessage = async (e) => {
      const m = JSON.parse(e.data);
      if (m.type === "hello") {
        if (!greeted) send({ type: "hello" });
        greeted = true;
        await start();
      } else if (m.type === "offer") {
        mark("offer-received");
        await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        mark("answer-sent");
        send({ type: "answer", sdp: pc.localDescription!.sdp });
      } else if (m.type === "answer") {
        mark("answer-received");
        await pc.setRemoteDescription({ type: "answer", sdp: m.sdp });
      } else if (m.type === "ice" && m.candidate) {
        await pc.addIceCandidate(m.candidate).catch(() => {});
      }
    };
    await Promise.race([got, sleep(30_000)]);
    await sleep(200);
    ws.close();
    return { ...marks };
  },

  /** Key agreement for the encrypted transfer (protocol v2): our committed-style public keys. */
  async keyShare(): Promise<{ publicKey: number[]; kemKey: number[] }> {
    const [pair, kem] = await Promise.all([generateEcdhKeyPair(), generateKemKeyPair()]);
    ecdh = { pair, kem, session: null, hello: null };
    return { publicKey: [...pair.publicKey], kemKey: [...kem.publicKey] };
  },

  /** Derives the session keys with the peer's keys and returns our hello (one flight). */
  async keyHello(
    self: Address,
    peer: Address,
    theirs: { publicKey: number[]; kemKey: number[] },
  ): Promise<number[]> {
    const fp = (b: number) => new Uint8Array(32).fill(b);
    const lowSelf = self.toLowerCase() < peer.toLowerCase();
    const session = await deriveSessionKeys({
      roomId: `0x${"ab".repeat(32)}`,
      keyPair: ecdh!.pair,
      kemKeyPair: ecdh!.kem,
      self: { address: self, fingerprint: fp(lowSelf ? 1 : 2) },
      peer: {
        address: peer,
        publicKey: Uint8Array.from(theirs.publicKey),
        fingerprint: fp(lowSelf ? 2 : 1),
        kemKey: Uint8Array.from(theirs.kemKey),
      },
    });
    const hello = await makeHello(session);
    ecdh = { ...ecdh!, session, hello };
    return [...hello.hello];
  },

  /** Derives this connection's keys from the peer's hello; makes the channel. */
  async keyFinish(theirs: number[]): Promise<void> {
    const { session, hello } = ecdh!;
    const bytes = Uint8Array.from(theirs);
    const peer = parseHello(bytes, session!.keyPair.curve)!;
    const keys = await deriveConnectionKeys(session!, hello!, { ...peer, hello: bytes });
    channel = createChannel({ keys });
  },

  /** Receiver: arms counting (and for "sealed", opening) of `total` bytes. */
  arm(mode: "clear" | "sealed" | "ratcheted", total: number): void {
    const dc = rawDc!;
    let bytes = 0;
    let chain = Promise.resolve();
    received = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("transfer timed out")), 180_000);
      const done = () => {
        if (bytes < total) return;
        clearTimeout(timer);
        resolve(now());
      };
      dc.onmessage = (e: MessageEvent) => {
        const data = new Uint8Array(e.data as ArrayBuffer);
        if (mode === "clear") {
          bytes += data.length;
          return done();
        }
        chain = chain.then(async () => {
          bytes += (await channel!.open(data)).length;
          done();
        }).catch(reject);
      };
    });
    received.catch(() => {});
  },

  /** Receiver: the time the last armed byte arrived. */
  finished(): Promise<number> {
    return received!;
  },

  /** Sender: `total` bytes in `chunk`-byte messages; resolves with the start time. */
  async blast(
    mode: "clear" | "sealed" | "ratcheted",
    total: number,
    chunk: number,
  ): Promise<number> {
    const dc = rawDc!;
    const high = 4 * 1024 * 1024;
    dc.bufferedAmountLowThreshold = 1024 * 1024;
    const data = crypto.getRandomValues(new Uint8Array(chunk));
    const started = now();
    for (let sent = 0; sent < total; sent += chunk) {
      if (dc.bufferedAmount > high) {
        await new Promise<void>((r) => {
          dc.addEventListener("bufferedamountlow", () => r(), { once: true });
        });
      }
      // "ratcheted": an epoch change with a DH step every 1 MiB (issue 11's throughput target).
      if (mode === "ratcheted" && sent > 0 && sent % (1 << 20) === 0) channel!.rekey();
      dc.send(mode === "clear" ? data : await channel!.seal(data) as Uint8Array<ArrayBuffer>);
    }
    return started;
  },
};

/** The API the orchestrator calls. */
export type BenchPage = typeof bench;

(globalThis as unknown as { bench: BenchPage }).bench = bench;
