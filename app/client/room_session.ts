/**
 * One person's session in one room, from fresh keys to encrypted chat (DESIGN.md "The
 * handshake"), one step per method: check the room on chain, make the session keys, publish
 * their commitment (one transaction), sign in, then open the signaling socket and keep one
 * verified {@linkcode PeerLink} per peer. It knows no UI: it takes its I/O in
 * ({@linkcode EngineIO}), reports state in {@linkcode RoomSession.state} and what happens once as
 * {@linkcode RoomSession.events}; the Room island adapts both.
 * @module
 */
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import type { CommitmentReader } from "../chain/offer_check.ts";
import { registryReader } from "../chain/registry.ts";
import { type RoomRefusal, roomRefusal, roomRefusalSentence } from "../chain/room.ts";
import type { ServerMessage } from "../core/wire.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import { type Notice, serverNotice } from "./notices.ts";
import { watchChain } from "./chain_watch.ts";
import { Emitter } from "./emitter.ts";
import { RoomGroup, type RoomGroupEvents, type SendResult } from "./room_group.ts";
import { fetchIceConfig, type IceConfig, iceSource } from "./ice.ts";
import { keptKeysNotice } from "./keep_choice.ts";
import { keepKeys, keptKeysId, type KeyKeeper, restoreKeys } from "./key_keeper.ts";
import { type EngineIO, signalingUrl } from "./io.ts";
import type { LinkExtension } from "./link_extension.ts";
import type { MemberList } from "./members.ts";
import { type LinkSession, PeerLink, type PeerLinkEvents } from "./peer_link.ts";
import { checkRoom, RoomCheckError } from "./room_check.ts";
import { makeSessionKeys, type SessionKeys } from "./session_keys.ts";
import { SignalingClient, type SignalingState } from "./signaling.ts";
import { signIn } from "./siwe.ts";
import { Store } from "./store.ts";
import { commitKey, TxFailedError, type TxState } from "./transactions.ts";
import type { WalletConnection } from "./wallet.ts";

/** Steps of joining, in order. */
export type SessionStep = "idle" | "room" | "keys" | "commit" | "sign-in" | "socket" | "ready";

/** A session's state: one snapshot, replaced on every change. */
export interface SessionState {
  step: SessionStep;
  commitTx: TxState;
  /** Set when the session cannot go on (the reason in one sentence). */
  fatal: string | null;
  /** The signaling socket's state. */
  socket: SignalingState;
  /** False while the chain does not answer (new peers cannot be verified meanwhile). */
  chainReachable: boolean;
  /** One link per peer met in this session (the latest for each peer); a new array whenever a
   * link's status changes, so watching the session's state is enough to follow every link. */
  links: readonly PeerLink[];
  /** True when the session took back keys this device kept (no transaction was needed). */
  reusedKeys: boolean;
  /** Wall-clock ms until which this device keeps the session's keys; null when it keeps none. */
  keptUntil: number | null;
}

/** What a session reports once. */
export type SessionEvents = PeerLinkEvents & RoomGroupEvents & {
  /** Something to tell the person. */
  notice: Notice;
  /** Notices of this kind no longer hold (e.g. "chain-unavailable" once the server took us in). */
  cleared: string;
};

/** Inputs of {@linkcode RoomSession}. */
export interface RoomSessionOptions {
  /** Public chain configuration. */
  config: PublicConfig;
  roomId: Hex;
  /** The connected wallet (on the right chain). */
  wallet: WalletConnection;
  /** The member list for a members-only room, if the person has it. */
  members?: MemberList | null;
  io: EngineIO;
  /** Features riding on every verified link (file transfer: `FileTransfers.extension`). */
  extensions?: readonly LinkExtension[];
  /** How long a text others got may take to reach us before it is flagged missing (tests). */
  missingGraceMs?: number;
  /**
   * Keeping the session's keys on this device so that a reload or a return costs no new
   * transaction (key_keeper.ts): where, and for how long after a commitment (0: not kept).
   */
  keep?: { keeper: KeyKeeper; forMs: number };
}

export type { SendResult };

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

/**
 * One room session.
 *
 * @example
 * ```ts ignore
 * const session = new RoomSession({ config, roomId, wallet, io: browserIO() });
 * session.events.on("text", (m) => console.log(m.from, m.text));
 * await session.start(); // room → keys → commit → sign in → socket → peers
 * await session.send("hello");
 * session.stop();
 * ```
 */
export class RoomSession {
  readonly state = new Store<SessionState>({
    step: "idle",
    commitTx: { phase: "idle" },
    fatal: null,
    socket: "closed",
    chainReachable: true,
    links: [],
    reusedKeys: false,
    keptUntil: null,
  });
  readonly events = new Emitter<SessionEvents>();
  /** Wall-clock ms when our commitment was mined, and when the first message was decrypted. */
  readonly timing = { commitMinedAt: 0, firstMessageAt: 0 };
  readonly config: PublicConfig;
  readonly roomId: Hex;
  readonly wallet: WalletConnection;

  #io: EngineIO;
  #members: MemberList | null;
  #extensions: readonly LinkExtension[];
  #keep: RoomSessionOptions["keep"];
  #reader: CommitmentReader;
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
  #keys: SessionKeys | null = null;
  /** Group texts, receipts and their consistency checks (room_group.ts). */
  #group: RoomGroup;

  constructor(o: RoomSessionOptions) {
    this.config = o.config;
    this.roomId = o.roomId;
    this.wallet = o.wallet;
    this.#io = o.io;
    this.#members = o.members ?? null;
    this.#extensions = o.extensions ?? [];
    this.#keep = o.keep;
    this.#reader = registryReader(o.wallet.publicClient, o.config.registry);
    this.#group = new RoomGroup({
      roomId: o.roomId,
      self: o.wallet.address,
      commitment: () => this.#keys?.commitment ?? null,
      links: () => this.links,
      events: this.events,
      missingGraceMs: o.missingGraceMs,
    });
  }

  /** The links of the session (shorthand for `state.value.links`). */
  get links(): readonly PeerLink[] {
    return this.state.value.links;
  }

  /** Runs the join steps in order; a failure ends in `state.fatal` with its reason. */
  async start(): Promise<void> {
    try {
      const proof = await this.#checkRoom();
      let keys = await this.#keptKeys();
      if (!keys) {
        keys = await this.#makeKeys();
        await this.#publish(keys, proof);
        await this.#keepKeys(keys);
      }
      this.#keys = keys;
      await this.#signIn();
      this.#connect(keys);
    } catch (e) {
      if (this.#stopped) return;
      const over = e instanceof RoomCheckError && e.reason !== "room-not-found" &&
        e.reason.startsWith("room-");
      if (over) void this.#forgetKeys();
      this.#set({ fatal: joinFailure(e) });
    }
  }

  /**
   * Sends a chat text to every open link, naming the roster hash we see (room_group.ts).
   *
   * @param text The text (trimmed by the caller).
   * @param id The message's id (default: a fresh random one); receipts name it.
   * @returns The message id and the peers that took it (none: it was not sent).
   */
  send(text: string, id: string = newMessageId()): Promise<SendResult> {
    return this.#group.send(text, id);
  }

  /** The roster hash of the room as this session sees it now (room_group.ts). */
  roster(): Promise<Hex> {
    return this.#group.roster();
  }

  /** Drops the signaling socket as a network failure would (for tests and diagnostics). */
  dropSocket(): void {
    this.#signaling?.drop();
  }

  /**
   * Leaves the room for good: ends the session and erases the keys this device kept for it (the
   * next visit commits new ones). A reload or a closed tab ends the session without leaving.
   */
  async leave(): Promise<void> {
    if (!this.#stopped) this.stop();
    await this.#forgetKeys();
  }

  /** Ends the session: closes links and the socket (kept keys stay until they expire). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#rejoinTimer);
    this.#group.stop();
    this.#unwatchChain?.();
    this.#signaling?.close();
    for (const link of this.links) link.close();
  }

  /** Step 1: the room, read on chain, and the membership proof. */
  async #checkRoom(): Promise<`0x${string}`[]> {
    this.#set({ step: "room" });
    const { proof } = await checkRoom(
      this.#reader,
      this.roomId,
      this.wallet.address,
      this.#members,
    );
    return proof;
  }

  /**
   * Step 2, returning: the keys this device kept for this room, if the chain still holds their
   * commitment (else they are erased, the person told why, and fresh keys are made).
   */
  async #keptKeys(): Promise<SessionKeys | null> {
    if (!this.#keep) return null;
    this.#set({ step: "keys" });
    const r = await restoreKeys(this.#keep.keeper, this.#reader, this.#where());
    if ("refused" in r) {
      const notice = keptKeysNotice(r.refused);
      if (notice) this.events.emit("notice", notice);
      return null;
    }
    this.timing.commitMinedAt = Date.now();
    this.#set({ reusedKeys: true, keptUntil: r.expiresAt });
    return r.keys;
  }

  /** After step 3: the committed keys kept on this device, if the person chose so. */
  async #keepKeys(keys: SessionKeys): Promise<void> {
    if (!this.#keep) return;
    const { keeper, forMs } = this.#keep;
    const keptUntil = await keepKeys(keeper, keys, this.#where(), forMs).catch(() => null);
    this.#set({ keptUntil });
  }

  async #forgetKeys(): Promise<void> {
    await this.#keep?.keeper.delete(keptKeysId(this.#where())).catch(() => {});
    this.#set({ keptUntil: null });
  }

  #where() {
    const { chainId, registry } = this.config;
    return { chainId, registry, roomId: this.roomId, member: this.wallet.address };
  }

  /** Step 2: fresh ECDH key pair and DTLS certificate, and their commitment. */
  async #makeKeys(): Promise<SessionKeys> {
    this.#set({ step: "keys" });
    this.#keys = await makeSessionKeys(this.#io.rtc, this.#where());
    return this.#keys;
  }

  /** Step 3: the commitment on chain, in one transaction. */
  async #publish(keys: SessionKeys, proof: Hex[]): Promise<void> {
    this.#set({ step: "commit" });
    await commitKey(
      this.wallet,
      this.config.registry,
      this.roomId,
      keys.commitment,
      proof,
      (commitTx) => this.#set({ commitTx }),
    );
    this.timing.commitMinedAt = Date.now();
  }

  /** Step 4: Sign-In with Ethereum. */
  async #signIn(): Promise<void> {
    this.#set({ step: "sign-in" });
    const { fetch, origin } = this.#io;
    await signIn({ walletClient: this.wallet.walletClient, fetch, origin });
  }

  /**
   * The ICE servers the links use, asked once the server has us in the room (it gives TURN
   * credentials only to a socket in a live room, docs/PROTOCOL.md section 7); fetched again
   * before they expire (`iceSource`). A failed first fetch is asked again at the next join.
   */
  async #fetchIce(): Promise<void> {
    const get = () => fetchIceConfig(this.#io.fetch, this.#io.origin, this.roomId);
    const first = await get();
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
    const { fetch, origin } = this.#io;
    await signIn({
      walletClient: this.wallet.walletClient,
      fetch,
      origin,
      beforePrompt: () => {
        if (this.#signInPrompts++ < MAX_SIGN_IN_PROMPTS) return;
        this.events.emit("notice", {
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

  /** Step 5: the signaling socket, the room joined, and the chain watched. */
  #connect(keys: SessionKeys): void {
    if (this.#stopped) return;
    this.#set({ step: "socket" });
    const { chainId, registry } = this.config;
    this.#linkSession = {
      self: this.wallet.address,
      roomId: this.roomId,
      chainId,
      registry,
      keys,
      // Until the server has us in the room (no link is made before).
      ice: NO_ICE,
      freshIce: () => Promise.resolve(NO_ICE),
      rtc: this.#io.rtc,
      reader: this.#reader,
      signal: (m) => this.#signaling?.send(m) ?? false,
      extensions: this.#extensions,
    };
    this.#signaling = new SignalingClient({
      url: signalingUrl(this.#io.origin),
      openSocket: (url) => this.#io.openSocket(url),
      // Frames wait (in order) for the ICE servers asked at the first `joined`.
      onMessage: (m) => {
        if (m.type === "joined" && !this.#iceAsked) {
          this.#iceAsked = true;
          this.#iceReady = this.#fetchIce();
        }
        void this.#iceReady.then(() => this.#onSignal(m));
      },
      onOpen: () => {
        if (this.state.value.step === "socket") this.#set({ step: "ready" });
      },
      // Refused more than once: the session may be gone (server restart). Sign in again.
      beforeReconnect: () => this.#signInAgain(),
    });
    this.#signaling.state.subscribe((socket) => {
      this.#set({ socket });
      if (socket !== "open") this.#joined = false;
    });
    this.#unwatchChain = watchChain(this.wallet.publicClient, {
      onChange: (chainReachable) => this.#set({ chainReachable }),
      // Read by the browser itself: a server that hides the close cannot keep the room going
      // (a room not found is a provider's glitch or another chain: the wallet check says so).
      room: async () => {
        const r = roomRefusal(await this.#reader.room(this.roomId), this.#reader.nowSeconds());
        return r === "room-not-found" ? null : r;
      },
      onRoomOver: (refusal) => this.#roomOver(refusal),
    });
    this.#signaling.connect();
    this.#signaling.join(this.roomId);
    this.#group.start();
  }

  async #onSignal(m: ServerMessage): Promise<void> {
    switch (m.type) {
      case "joined":
        this.#joined = true;
        this.#rejoins = 0;
        this.events.emit("cleared", "chain-unavailable");
        for (const peer of m.peers) this.#ensureLink(peer);
        return;
      case "presence":
        if (m.state === "joined") await this.#peerJoined(m.address);
        else this.#link(m.address)?.peerLeft();
        return;
      case "offer":
      case "answer":
        return await (m.type === "offer" ? this.#ensureLink(m.from) : this.#link(m.from))
          ?.handleDescription(m.type, m).catch(() => {});
      case "ice":
        return await this.#link(m.from)?.handleIce(m.candidate);
      case "error":
        return this.#onServerError(m.code);
    }
  }

  #onServerError(code: Extract<ServerMessage, { type: "error" }>["code"]): void {
    if (code === "room-closed" || code === "room-expired") return this.#roomOver(code);
    // The server fails closed while it cannot read the chain: it refused our join, so ask
    // again until it takes us back (bounded; a reconnect joins again anyway).
    if (code === "chain-unavailable" && !this.#joined) this.#retryJoin();
    // Joins need our commitment: the server's node may be a block behind the wallet's.
    if (code === "no-commitment" && !this.#joined && this.#rejoins < MAX_COMMIT_REJOINS) {
      this.#retryJoin();
    }
    const notice = serverNotice(code);
    if (notice) this.events.emit("notice", notice);
  }

  /** The room is over: nothing more to join or wait for (chats already open end too). */
  #roomOver(refusal: RoomRefusal): void {
    if (this.state.value.fatal) return;
    this.stop();
    // No key can be used in a closed or expired room again: erase what was kept for it.
    void this.#forgetKeys();
    this.#set({ fatal: roomRefusalSentence(refusal) });
  }

  #retryJoin(): void {
    clearTimeout(this.#rejoinTimer);
    if (this.#stopped || this.#rejoins >= MAX_REJOINS) return;
    this.#rejoins++;
    this.#rejoinTimer = setTimeout(() => {
      if (!this.#stopped && !this.#joined && this.state.value.socket === "open") {
        this.#signaling?.join(this.roomId);
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
      const now = await this.#reader.commitment(this.roomId, peer).catch(() => null);
      if (now && now.blockNumber !== block) link.close();
    }
    this.#ensureLink(peer);
  }

  #link(peer: Address): PeerLink | undefined {
    return this.links.find((l) => lower(l.peer) === lower(peer));
  }

  #ensureLink(peer: Address): PeerLink | undefined {
    if (!this.#linkSession || lower(peer) === lower(this.wallet.address)) return;
    const existing = this.#link(peer);
    if (existing && !existing.ended) return existing;
    const link = new PeerLink(this.#linkSession, peer);
    link.events.on("text", (m) => {
      if (!this.timing.firstMessageAt) this.timing.firstMessageAt = Date.now();
      this.events.emit("text", m);
    });
    this.#group.watch(link);
    let told = false;
    link.status.subscribe(({ problem }) => {
      // The session's snapshot changes with every link's: one store to watch for the whole room.
      if (this.links.includes(link)) this.#set({ links: [...this.links] });
      if (!problem || told) return;
      told = true;
      this.events.emit("notice", { kind: problem.kind, tone: "error", message: problem.message });
    });
    this.#set({ links: [...this.links.filter((l) => l !== existing), link] });
    void link.start().catch(() => link.close("connection-failed", "Could not connect to the peer"));
    return link;
  }

  #set(patch: Partial<SessionState>): void {
    this.state.update((s) => ({ ...s, ...patch }));
  }
}

/** The sentence shown when a join step fails. */
function joinFailure(e: unknown): string {
  if (e instanceof TxFailedError) return `Cannot publish your key commitment: ${e.reason}.`;
  if (e instanceof ChainUnavailableError) {
    return "Cannot reach the chain: check your wallet's network connection and try again.";
  }
  return e instanceof Error ? e.message : String(e);
}

/** A fresh message id: 20 hex characters (80 random bits). */
export function newMessageId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 20);
}

function lower(address: Address): Address {
  return address.toLowerCase() as Address;
}
