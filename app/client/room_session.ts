/**
 * One person's session in one room, from fresh keys to encrypted chat (DESIGN.md "The
 * handshake"), one step per method: check the room on chain, make the session keys, publish
 * their commitment (one transaction), sign in, then open the signaling socket and keep one
 * verified {@linkcode PeerLink} per peer. It knows no UI: it takes its I/O in
 * ({@linkcode EngineIO}), reports state in {@linkcode RoomSession.state} and what happens once as
 * {@linkcode RoomSession.events}; the Room island adapts both.
 * @module
 */
import type { Hex } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import type { CommitmentReader } from "../chain/offer_check.ts";
import { registryReader } from "../chain/registry.ts";
import { type RoomRefusal, roomRefusalSentence } from "../chain/room.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import { Emitter } from "./emitter.ts";
import { RoomGroup, type SendResult } from "./room_group.ts";
import type { KeyKeeper } from "./key_keeper.ts";
import type { EngineIO } from "./io.ts";
import type { LinkExtension } from "./link_extension.ts";
import type { MemberList } from "./members.ts";
import type { PeerLink } from "./peer_link.ts";
import { checkRoom, RoomCheckError } from "./room_check.ts";
import { type LinkTiming, RoomLinks } from "./room_links.ts";
import { SessionKeyStore } from "./session_key_store.ts";
import { makeSessionKeys, type SessionKeys } from "./session_keys.ts";
import type { SessionEvents, SessionState } from "./session_state.ts";
import { signIn } from "./siwe.ts";
import { Store } from "./store.ts";
import { commitKey, TxFailedError } from "./transactions.ts";
import type { WalletConnection } from "./wallet.ts";

export { MAX_SIGN_IN_PROMPTS } from "./room_links.ts";
export type { SessionEvents, SessionState, SessionStep } from "./session_state.ts";

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
  /** How long a link may take to open, and the delays before it is made again (tests). */
  linkTiming?: LinkTiming;
}

export type { SendResult };

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
  #reader: CommitmentReader;
  #stopped = false;
  #keys: SessionKeys | null = null;
  /** The keys kept on this device for this session (session_key_store.ts). */
  #kept: SessionKeyStore;
  /** Group texts, receipts and their consistency checks (room_group.ts). */
  #group: RoomGroup;
  /** The socket and the peer links, once joined (room_links.ts). */
  #live: RoomLinks;

  constructor(o: RoomSessionOptions) {
    this.config = o.config;
    this.roomId = o.roomId;
    this.wallet = o.wallet;
    this.#io = o.io;
    this.#members = o.members ?? null;
    this.#reader = registryReader(o.wallet.publicClient, o.config.registry);
    const { chainId, registry } = o.config;
    this.#kept = new SessionKeyStore({
      keep: o.keep,
      reader: this.#reader,
      where: { chainId, registry, roomId: o.roomId, member: o.wallet.address },
      onNotice: (notice) => this.events.emit("notice", notice),
    });
    this.#group = new RoomGroup({
      roomId: o.roomId,
      self: o.wallet.address,
      commitment: () => this.#keys?.commitment ?? null,
      links: () => this.links,
      events: this.events,
      missingGraceMs: o.missingGraceMs,
    });
    this.#live = new RoomLinks({
      config: o.config,
      roomId: o.roomId,
      wallet: o.wallet,
      io: o.io,
      reader: this.#reader,
      extensions: o.extensions ?? [],
      state: this.state,
      events: this.events,
      group: this.#group,
      timing: this.timing,
      onRoomOver: (refusal) => this.#roomOver(refusal),
      linkTiming: o.linkTiming,
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
    this.#live.dropSocket();
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
    this.#group.stop();
    this.#live.stop();
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
    if (!this.#kept.enabled) return null;
    this.#set({ step: "keys" });
    const r = await this.#kept.restore();
    if (!r) return null;
    this.timing.commitMinedAt = Date.now();
    this.#set({ reusedKeys: true, keptUntil: r.expiresAt });
    return r.keys;
  }

  /** After step 3: the committed keys kept on this device, if the person chose so. */
  async #keepKeys(keys: SessionKeys): Promise<void> {
    if (!this.#kept.enabled) return;
    this.#set({ keptUntil: await this.#kept.keep(keys) });
  }

  async #forgetKeys(): Promise<void> {
    await this.#kept.forget();
    this.#set({ keptUntil: null });
  }

  /** Step 2: fresh ECDH key pair and DTLS certificate, and their commitment. */
  async #makeKeys(): Promise<SessionKeys> {
    this.#set({ step: "keys" });
    this.#keys = await makeSessionKeys(this.#io.rtc, this.#kept.where);
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

  /** Step 5: the signaling socket, the room joined, the chain watched, then the peers. */
  #connect(keys: SessionKeys): void {
    if (this.#stopped) return;
    this.#live.connect(keys);
    this.#group.start();
  }

  /** The room is over: nothing more to join or wait for (chats already open end too). */
  #roomOver(refusal: RoomRefusal): void {
    if (this.state.value.fatal) return;
    this.stop();
    // No key can be used in a closed or expired room again: erase what was kept for it.
    void this.#forgetKeys();
    this.#set({ fatal: roomRefusalSentence(refusal) });
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
