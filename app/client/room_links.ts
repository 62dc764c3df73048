/**
 * A room session's live part, once its keys are committed and it is signed in: the signaling
 * socket, the room joined (and joined again while the server cannot read the chain), the ICE
 * servers, the chain watched, and one verified {@linkcode PeerLink} per peer. `RoomSession` runs
 * the join steps and hands over to {@linkcode RoomLinks.connect}; the links go into the session's
 * state and what they report into its events.
 * @module
 */
import type { Address, Hex } from "viem";
import type { CommitmentReader } from "../chain/offer_check.ts";
import { type RoomRefusal, roomRefusal } from "../chain/room.ts";
import { commitmentMatches } from "../core/commitment.ts";
import type { ServerMessage } from "../core/wire.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import { watchChain } from "./chain_watch.ts";
import { CommitmentPreread } from "./commitment_preread.ts";
import type { Emitter } from "./emitter.ts";
import { fetchIceConfig, type IceConfig, iceSource } from "./ice.ts";
import { type EngineIO, signalingUrl } from "./io.ts";
import type { LinkExtension } from "./link_extension.ts";
import { LinkRetries } from "./link_retries.ts";
import { serverNotice } from "./notices.ts";
import { type LinkSession, PeerLink } from "./peer_link.ts";
import type { RoomGroup } from "./room_group.ts";
import type { SessionKeys } from "./session_keys.ts";
import type { SessionEvents, SessionState } from "./session_state.ts";
import { SignalingClient } from "./signaling.ts";
import { signIn } from "./siwe.ts";
import type { Store } from "./store.ts";
import type { WalletConnection } from "./wallet.ts";

const NO_ICE: IceConfig = { iceServers: [] };

/** Join refused because the server cannot read the chain: ask again this often, this many times. */
const REJOIN_DELAY_MS = 2_000;
const MAX_REJOINS = 150;
/** Join refused for want of our commitment (the server's node behind): asked again this often. */
const MAX_COMMIT_REJOINS = 5;
/**
 * Wallet prompts to sign in again that the server may cause in one session (a restarted server
 * needs one). A server that keeps refusing would otherwise make the wallet ask again and again
 * (issue 10, item 11).
 */
export const MAX_SIGN_IN_PROMPTS = 3;
/** Inputs of {@linkcode RoomLinks}: the session's own parts it works with. */
export interface RoomLinksOptions {
  config: PublicConfig;
  roomId: Hex;
  wallet: WalletConnection;
  io: EngineIO;
  reader: CommitmentReader;
  extensions: readonly LinkExtension[];
  /** The session's state: `step`, `socket`, `chainReachable` and `links` are set here. */
  state: Store<SessionState>;
  events: Emitter<SessionEvents>;
  /** The session's group texts; every new link is watched by it. */
  group: RoomGroup;
  /** The session's timing; `firstMessageAt` is set here. */
  timing: { firstMessageAt: number };
  /** The room was found closed or expired (by the server or by the chain watch). */
  onRoomOver: (refusal: RoomRefusal) => void;
  /** How long a link may take to open, and the delays before it is made again (tests). */
  linkTiming?: LinkTiming;
}

/** How long a link may take to open, and the delays of its retries. */
export interface LinkTiming {
  /** Default `CONNECT_TIMEOUT_MS` (peer_link.ts). */
  connectTimeoutMs?: number;
  /** Default `LINK_RETRY_MS` (link_retries.ts). */
  retryDelaysMs?: readonly number[];
}

/**
 * The socket and the peer links of one room session.
 *
 * @example
 * ```ts ignore
 * const live = new RoomLinks({ config, roomId, wallet, io, reader, extensions: [], state, events,
 *   group, timing, onRoomOver });
 * live.connect(keys); // socket → join → ICE servers → one PeerLink per peer
 * live.stop();
 * ```
 */
export class RoomLinks {
  #o: RoomLinksOptions;
  #signaling: SignalingClient | null = null;
  #linkSession: LinkSession | null = null;
  #stopped = false;
  #unwatchChain: (() => void) | null = null;
  /** True while the server has us in the room (a `joined` since the socket last opened). */
  #joined = false;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  #rejoins = 0;
  /** Resolves once the ICE servers are known (or were asked for and could not be had). */
  #iceReady: Promise<void> = Promise.resolve();
  #iceAsked = false;
  /** Wallet prompts made to sign in again; past the cap, none are made. */
  #signInPrompts = 0;
  /** Links that could not be made, made again (link_retries.ts). */
  #retries: LinkRetries;

  constructor(o: RoomLinksOptions) {
    this.#o = o;
    this.#retries = new LinkRetries({
      delaysMs: o.linkTiming?.retryDelaysMs,
      current: (peer) => this.#link(peer),
      remake: (peer) => this.#ensureLink(peer),
    });
  }

  get #links(): readonly PeerLink[] {
    return this.#o.state.value.links;
  }

  /** Drops the signaling socket as a network failure would (for tests and diagnostics). */
  dropSocket(): void {
    this.#signaling?.drop();
  }

  /** Closes the socket and every link, and stops watching the chain and joining again. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#rejoinTimer);
    this.#retries.stop();
    this.#unwatchChain?.();
    this.#signaling?.close();
    for (const link of this.#links) link.close();
  }

  /** Step 5: the signaling socket, the room joined, and the chain watched. */
  connect(keys: SessionKeys): void {
    const { config, roomId, wallet, io, reader } = this.#o;
    this.#set({ step: "socket" });
    const { chainId, registry } = config;
    const preread = new CommitmentPreread(reader, roomId);
    this.#linkSession = {
      self: wallet.address,
      roomId,
      chainId,
      registry,
      keys,
      // Until the server has us in the room (no link is made before).
      ice: NO_ICE,
      freshIce: () => Promise.resolve(NO_ICE),
      rtc: io.rtc,
      reader,
      preread,
      signal: (m) => this.#signaling?.send(m) ?? false,
      extensions: this.#o.extensions,
      connectTimeoutMs: this.#o.linkTiming?.connectTimeoutMs,
    };
    this.#signaling = new SignalingClient({
      url: signalingUrl(io.origin),
      openSocket: (url) => io.openSocket(url),
      // Frames wait (in order) for the ICE servers asked at the first `joined`.
      onMessage: (m) => {
        if (m.type === "joined" && !this.#iceAsked) {
          this.#iceAsked = true;
          this.#iceReady = this.#fetchIce(m.ice);
        }
        // Peers' commitments are read while the ICE servers are asked for.
        if (m.type === "joined") m.peers.forEach((p) => this.#preread(p));
        if (m.type === "presence" && m.state === "joined") this.#preread(m.address);
        void this.#iceReady.then(() => this.#onSignal(m));
      },
      onOpen: () => {
        if (this.#o.state.value.step === "socket") this.#set({ step: "ready" });
      },
      // Refused more than once: the session may be gone (server restart). Sign in again.
      beforeReconnect: () => this.#signInAgain(),
    });
    this.#signaling.state.subscribe((socket) => {
      this.#set({ socket });
      if (socket !== "open") this.#joined = false;
    });
    this.#unwatchChain = watchChain(wallet.publicClient, {
      onChange: (chainReachable) => this.#set({ chainReachable }),
      // Read by the browser itself: a server that hides the close cannot keep the room going
      // (a room not found is a provider's glitch or another chain: the wallet check says so).
      room: async () => {
        const r = roomRefusal(await reader.room(roomId), reader.nowSeconds());
        return r === "room-not-found" ? null : r;
      },
      onRoomOver: (refusal) => this.#o.onRoomOver(refusal),
      // A new block: pre-reads asked before it are stale, and a verified peer may have
      // committed new keys in it.
      onHead: (head) => preread.blockSeen(head) && void this.#recheckLinks(),
    });
    this.#signaling.connect();
    this.#signaling.join(roomId);
  }

  /**
   * The ICE servers the links use, given in `joined` (the server gives TURN credentials only to
   * a socket in a live room, docs/PROTOCOL.md section 7) or, from a server that does not, asked
   * then; fetched again before they expire (`iceSource`). A failed first fetch is asked again
   * at the next join.
   */
  async #fetchIce(given: IceConfig | undefined): Promise<void> {
    const { io, roomId } = this.#o;
    const get = () => fetchIceConfig(io.fetch, io.origin, roomId);
    const first = given ?? await get();
    this.#iceAsked = first.iceServers.length > 0;
    if (this.#linkSession) {
      this.#linkSession = { ...this.#linkSession, ice: first, freshIce: iceSource(first, get) };
    }
  }

  /**
   * Signs in again before a reconnect (the server may have restarted and forgotten the session),
   * asking the wallet at most {@linkcode MAX_SIGN_IN_PROMPTS} times per session; then says why
   * it stopped asking.
   */
  async #signInAgain(): Promise<void> {
    if (this.#signInPrompts > MAX_SIGN_IN_PROMPTS || this.#stopped) return;
    const { fetch, origin } = this.#o.io;
    await signIn({
      walletClient: this.#o.wallet.walletClient,
      fetch,
      origin,
      beforePrompt: () => {
        if (this.#signInPrompts++ < MAX_SIGN_IN_PROMPTS) return;
        this.#o.events.emit("notice", {
          kind: "sign-in-refused",
          tone: "error",
          message: `The server keeps refusing your sign-in: stopped asking your wallet to sign ` +
            `after ${MAX_SIGN_IN_PROMPTS} tries. Chats already open go on; reload the page to ` +
            `try again.`,
        });
        throw new Error("Cannot sign in again: the server refused too often");
      },
    });
  }

  async #onSignal(m: ServerMessage): Promise<void> {
    switch (m.type) {
      case "joined":
        this.#joined = true;
        this.#rejoins = 0;
        this.#o.events.emit("cleared", "chain-unavailable");
        this.#retries.roster(m.peers);
        for (const peer of m.peers) this.#ensureLink(peer);
        return;
      case "presence":
        if (m.state === "joined") {
          this.#retries.arrived(m.address);
          return await this.#peerJoined(m.address);
        }
        this.#retries.left(m.address);
        return this.#link(m.address)?.peerLeft();
      case "offer":
        this.#replaceIfRestarted(m.from, m.sdp);
        return await this.#ensureLink(m.from)?.handleDescription(m.type, m).catch(() => {});
      case "answer":
        return await this.#link(m.from)?.handleDescription(m.type, m).catch(() => {});
      case "ice":
        return await this.#link(m.from)?.handleIce(m.candidate);
      case "error":
        return this.#onServerError(m.code);
    }
  }

  #onServerError(code: Extract<ServerMessage, { type: "error" }>["code"]): void {
    if (code === "room-closed" || code === "room-expired") return this.#o.onRoomOver(code);
    // The server fails closed while it cannot read the chain: it refused our join, so ask
    // again until it takes us back (bounded; a reconnect joins again anyway).
    if (code === "chain-unavailable" && !this.#joined) this.#retryJoin();
    // Joins need our commitment: the server's node may be a block behind the wallet's.
    if (code === "no-commitment" && !this.#joined && this.#rejoins < MAX_COMMIT_REJOINS) {
      this.#retryJoin();
    }
    const notice = serverNotice(code);
    if (notice) this.#o.events.emit("notice", notice);
  }

  #retryJoin(): void {
    clearTimeout(this.#rejoinTimer);
    if (this.#stopped || this.#rejoins >= MAX_REJOINS) return;
    this.#rejoins++;
    this.#rejoinTimer = setTimeout(() => {
      if (!this.#stopped && !this.#joined && this.#o.state.value.socket === "open") {
        this.#signaling?.join(this.#o.roomId);
      }
    }, REJOIN_DELAY_MS);
  }

  /**
   * A peer (re)joined. If we still hold a live link to it, its socket only reconnected, unless
   * it committed new keys since (a new session after a crash): then the old link is replaced.
   */
  async #peerJoined(peer: Address): Promise<void> {
    const link = this.#link(peer);
    const block = link?.verifiedBlock;
    if (link && block != null && !link.ended) {
      const now = await this.#o.reader.commitment(this.#o.roomId, peer).catch(() => null);
      if (now && now.blockNumber !== block) link.close();
    }
    this.#ensureLink(peer);
  }

  /**
   * Reads the commitment of every peer with a verified link again and closes the links whose
   * commitment changed on chain (their keys are no longer the committed ones). A failed read
   * changes nothing: the reachability notice says the chain cannot be read.
   */
  async #recheckLinks(): Promise<void> {
    const { reader, roomId } = this.#o;
    await Promise.all(this.#links.map(async (link) => {
      const verified = link.verifiedCommitment;
      if (link.ended || verified === null) return;
      const now = await reader.commitment(roomId, link.peer).catch(() => undefined);
      if (now === undefined || this.#stopped) return;
      if (now === null || !commitmentMatches(verified, now.commitment)) link.commitmentChanged();
    }));
  }

  /**
   * Reads a peer's commitment as it appears in the room (unless a live link or a usable pre-read
   * has it), so that its offer or answer is checked against a value at hand.
   */
  #preread(peer: Address): void {
    const preread = this.#linkSession?.preread;
    if (!preread || lower(peer) === lower(this.#o.wallet.address)) return;
    const link = this.#link(peer);
    if ((link && !link.ended) || preread.usable(peer)) return;
    preread.read(peer).catch(() => {});
  }

  /**
   * The peer gave up on a link that had not opened and offers from a new connection (its offer
   * names another SDP session than the one our link answered): our link to its old one is
   * closed, quietly, and a new one takes the offer. An open link is never closed this way: its
   * new descriptions are renegotiations, checked as such (a server cannot end an open link by
   * rewriting an offer).
   */
  #replaceIfRestarted(peer: Address, sdp: string): void {
    const link = this.#link(peer);
    if (link && !link.ended && link.state !== "open" && link.fromOtherConnection(sdp)) link.close();
  }

  /** A link opened: a "could not connect" shown earlier is taken back, unless another peer's
   * link still ends with it. */
  #opened(peer: Address): void {
    this.#retries.opened(peer);
    const failed = (l: PeerLink) => l.ended && l.status.value.problem?.kind === "connection-failed";
    if (!this.#links.some(failed)) this.#o.events.emit("cleared", "connection-failed");
  }

  #link(peer: Address): PeerLink | undefined {
    return this.#links.find((l) => lower(l.peer) === lower(peer));
  }

  #ensureLink(peer: Address): PeerLink | undefined {
    if (!this.#linkSession || lower(peer) === lower(this.#o.wallet.address)) return;
    const existing = this.#link(peer);
    if (existing && !existing.ended) return existing;
    this.#preread(peer);
    const link = new PeerLink(this.#linkSession, peer);
    const { events, timing } = this.#o;
    link.events.on("text", (m) => {
      if (!timing.firstMessageAt) timing.firstMessageAt = Date.now();
      events.emit("text", m);
    });
    this.#o.group.watch(link);
    let told = false;
    let opened = false;
    link.status.subscribe(({ state, problem }) => {
      // The session's snapshot changes with every link's: one store to watch for the whole room.
      if (this.#links.includes(link)) this.#set({ links: [...this.#links] });
      if (state === "open" && !opened) {
        opened = true;
        this.#opened(peer);
      }
      if (!problem || told || !link.ended) return;
      told = true;
      events.emit("notice", { kind: problem.kind, tone: "error", message: problem.message });
      this.#retries.failed(link);
    });
    this.#set({ links: [...this.#links.filter((l) => l !== existing), link] });
    void link.start().catch(() => link.close("connection-failed", "Could not connect to the peer"));
    return link;
  }

  #set(patch: Partial<SessionState>): void {
    this.#o.state.update((s) => ({ ...s, ...patch }));
  }
}

function lower(address: Address): Address {
  return address.toLowerCase() as Address;
}
