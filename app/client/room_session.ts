/**
 * One person's session in one room, from fresh keys to encrypted chat (DESIGN.md "The
 * handshake"): check the room on chain, make the ECDH key and DTLS certificate, publish the
 * commitment (one transaction), sign in, open the signaling socket, and keep one verified
 * {@linkcode PeerLink} per peer. All state is signals for the Room island.
 * @module
 */
import { signal } from "@preact/signals";
import type { Address, Hex } from "viem";
import { computeCommitment, generateEcdhKeyPair, parseFingerprint } from "../core/mod.ts";
import type { ServerMessage } from "../core/wire.ts";
import type { PublicConfig } from "../islands/types.ts";
import { serverErrorBanner } from "./banners.ts";
import { watchChain } from "./chain_watch.ts";
import { fetchIceConfig, type IceConfig, iceSource } from "./ice.ts";
import { type MemberList, memberProof } from "./members.ts";
import { PeerLink } from "./peer_link.ts";
import {
  ChainUnreachableError,
  commitKey,
  readChainCommitment,
  readChainRoom,
  TxFailedError,
  type TxState,
} from "./registry.ts";
import { SignalingClient, type SignalingState, signalingUrl } from "./signaling.ts";
import { signIn } from "./siwe.ts";
import type { WalletConnection } from "./wallet.ts";

/** Steps of joining, in order. */
export type SessionStep = "idle" | "room" | "keys" | "commit" | "sign-in" | "socket" | "ready";

/** A banner the Room island shows. */
export interface Banner {
  id: number;
  kind: string;
  tone: "error" | "warning" | "info";
  message: string;
}

/** One line of the chat. */
export interface ChatEntry {
  id: string;
  from: Address;
  mine: boolean;
  text: string;
  at: number;
  status: "sending" | "sent" | "delivered" | "failed" | "received";
}

const MAX_ENTRIES = 500;
/** Join refused because the server cannot read the chain: ask again this often, this many times. */
const REJOIN_DELAY_MS = 2_000;
const MAX_REJOINS = 150;

/** One room session. */
export class RoomSession {
  readonly step = signal<SessionStep>("idle");
  readonly commitTx = signal<TxState>({ phase: "idle" });
  /** Set when the session cannot go on (the reason in one sentence). */
  readonly fatal = signal<string | null>(null);
  readonly banners = signal<Banner[]>([]);
  readonly links = signal<PeerLink[]>([]);
  readonly messages = signal<ChatEntry[]>([]);
  /** The signaling socket's state. */
  readonly socket = signal<SignalingState>("closed");
  /** False while the chain does not answer (new peers cannot be verified meanwhile). */
  readonly chainReachable = signal(true);
  /** Wall-clock ms when our commitment was mined, and when the first message was decrypted. */
  readonly timing = { commitMinedAt: 0, firstMessageAt: 0 };

  #signaling: SignalingClient | null = null;
  #ice: IceConfig = { iceServers: [] };
  #keys: Omit<ConstructorParameters<typeof PeerLink>[0], "peer"> | null = null;
  #bannerId = 0;
  #stopped = false;
  #unwatchChain: (() => void) | null = null;
  /** True while the server has us in the room (a `joined` since the socket last opened). */
  #joined = false;
  #rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  #rejoins = 0;

  /**
   * @param config Public chain configuration.
   * @param roomId The room.
   * @param wallet The connected wallet (on the right chain).
   * @param members The member list for a members-only room, if the person has it.
   */
  constructor(
    readonly config: PublicConfig,
    readonly roomId: Hex,
    readonly wallet: WalletConnection,
    readonly members: MemberList | null = null,
  ) {}

  /** Runs the steps; failures end in {@linkcode RoomSession.fatal}. */
  async start(): Promise<void> {
    try {
      await this.#run();
    } catch (e) {
      if (this.#stopped) return;
      this.fatal.value = e instanceof TxFailedError
        ? `Cannot publish your key commitment: ${e.reason}.`
        : e instanceof ChainUnreachableError
        ? "Cannot reach the chain: check your wallet's network connection and try again."
        : e instanceof Error
        ? e.message
        : String(e);
    }
  }

  /**
   * Sends a chat text to every open link.
   *
   * @param text The text (trimmed by the caller).
   */
  async send(text: string): Promise<void> {
    const id = crypto.randomUUID().replaceAll("-", "").slice(0, 20);
    const entry: ChatEntry = {
      id,
      from: this.wallet.address,
      mine: true,
      text,
      at: Date.now(),
      status: "sending",
    };
    this.#push(entry);
    const open = this.links.value.filter((l) => l.state.value === "open");
    const results = await Promise.all(open.map((l) => l.send(id, text).catch(() => false)));
    this.#update(id, { status: results.some(Boolean) ? "sent" : "failed" });
  }

  /** Drops the signaling socket as a network failure would (for tests and diagnostics). */
  dropSocket(): void {
    this.#signaling?.drop();
  }

  /** Ends the session: closes links and the socket. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#rejoinTimer);
    this.#unwatchChain?.();
    this.#signaling?.close();
    for (const link of this.links.value) link.close();
  }

  /**
   * Removes a banner.
   *
   * @param id Banner id.
   */
  dismiss(id: number): void {
    this.banners.value = this.banners.value.filter((b) => b.id !== id);
  }

  async #run(): Promise<void> {
    const { config, roomId, wallet } = this;
    this.step.value = "room";
    const room = await readChainRoom(wallet.publicClient, config.registry, roomId);
    if (!room) throw new Error("There is no such room on this chain.");
    if (room.closed) throw new Error("This room was closed by its creator.");
    if (room.expiresAt !== 0n && room.expiresAt * 1000n <= BigInt(Date.now())) {
      throw new Error("This room has expired.");
    }
    let proof: Hex[] = [];
    if (room.membersOnly) {
      if (!this.members) {
        throw new Error(
          "This room is for members only. Load the member list its creator shared to join.",
        );
      }
      if (this.members.root.toLowerCase() !== room.membersRoot.toLowerCase()) {
        throw new Error("This member list does not belong to this room.");
      }
      try {
        proof = memberProof(this.members, wallet.address);
      } catch {
        throw new Error(
          "You are not a member of this room: your address is not on its member list.",
        );
      }
    }

    this.step.value = "keys";
    const keyPair = await generateEcdhKeyPair();
    const certificate = await RTCPeerConnection.generateCertificate({
      name: "ECDSA",
      namedCurve: "P-256",
    } as EcKeyGenParams);
    const sha256 = certificate.getFingerprints().find((f) => f.algorithm === "sha-256");
    if (!sha256?.value) throw new Error("Cannot start: the browser gave no SHA-256 certificate");
    const fingerprint = parseFingerprint(sha256.value);
    const commitment = computeCommitment({
      chainId: config.chainId,
      registry: config.registry,
      roomId,
      publicKey: keyPair.publicKey,
      fingerprint,
    });

    this.step.value = "commit";
    await commitKey(wallet, config.registry, roomId, commitment, proof, (s) => {
      this.commitTx.value = s;
    });
    this.timing.commitMinedAt = Date.now();

    this.step.value = "sign-in";
    await signIn({ walletClient: wallet.walletClient });
    this.#ice = await fetchIceConfig();
    const freshIce = iceSource(this.#ice);

    this.step.value = "socket";
    this.#keys = {
      self: wallet.address,
      roomId,
      chainId: config.chainId,
      registry: config.registry,
      keyPair,
      certificate,
      fingerprint,
      ice: this.#ice,
      freshIce,
      publicClient: wallet.publicClient,
      signal: (m) => this.#signaling?.send(m) ?? false,
      onText: (m) => {
        if (!this.timing.firstMessageAt) this.timing.firstMessageAt = Date.now();
        this.#push({
          id: m.id,
          from: m.from,
          mine: false,
          text: m.text,
          at: m.sentAt,
          status: "received",
        });
      },
      onDelivered: (id) => this.#update(id, { status: "delivered" }),
    };
    if (this.#stopped) return;
    this.#signaling = new SignalingClient({
      url: signalingUrl(location),
      onMessage: (m) => void this.#onSignal(m),
      onOpen: () => {
        if (this.step.value === "socket") this.step.value = "ready";
      },
      // Refused more than once: the session may be gone (server restart). Sign in again.
      beforeReconnect: async () => {
        await signIn({ walletClient: wallet.walletClient });
      },
    });
    this.#signaling.state.subscribe((state) => {
      this.socket.value = state;
      if (state !== "open") this.#joined = false;
    });
    this.#unwatchChain = watchChain(wallet.publicClient, {
      onChange: (ok) => this.chainReachable.value = ok,
    });
    this.#signaling.connect();
    this.#signaling.join(roomId);
  }

  async #onSignal(m: ServerMessage): Promise<void> {
    switch (m.type) {
      case "joined":
        this.#joined = true;
        this.#rejoins = 0;
        this.banners.value = this.banners.value.filter((b) => b.kind !== "chain-unavailable");
        for (const peer of m.peers) this.#ensureLink(peer);
        return;
      case "presence":
        if (m.state === "joined") await this.#peerJoined(m.address);
        else this.#link(m.address)?.peerLeft();
        return;
      case "offer":
      case "answer":
        return await (m.type === "offer" ? this.#ensureLink(m.from) : this.#link(m.from))
          ?.handleDescription(m.type, m.publicKey, m.sdp).catch(() => {});
      case "ice":
        return await this.#link(m.from)?.handleIce(m.candidate);
      case "error": {
        if (m.code === "room-closed" || m.code === "room-expired") {
          // The room is over: nothing more to join or wait for (chats already open end too).
          this.stop();
          this.fatal.value = m.code === "room-closed"
            ? "This room was closed by its creator."
            : "This room has expired.";
          return;
        }
        // The server fails closed while it cannot read the chain: it refused our join, so ask
        // again until it takes us back (bounded; a reconnect joins again anyway).
        if (m.code === "chain-unavailable" && !this.#joined) this.#retryJoin();
        const banner = serverErrorBanner(m.code, m.message);
        if (banner) this.#banner(banner.kind, banner.tone, banner.message);
        return;
      }
    }
  }

  #retryJoin(): void {
    clearTimeout(this.#rejoinTimer);
    if (this.#stopped || this.#rejoins >= MAX_REJOINS) return;
    this.#rejoins++;
    this.#rejoinTimer = setTimeout(() => {
      if (!this.#stopped && !this.#joined && this.socket.value === "open") {
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
    if (link && block != null && link.state.value !== "closed" && link.state.value !== "refused") {
      const now = await readChainCommitment(
        this.wallet.publicClient,
        this.config.registry,
        this.roomId,
        peer,
      ).catch(() => null);
      if (now && now.blockNumber !== block) link.close();
    }
    this.#ensureLink(peer);
  }

  #link(peer: Address): PeerLink | undefined {
    return this.links.value.find((l) => l.ctx.peer.toLowerCase() === peer.toLowerCase());
  }

  #ensureLink(peer: Address): PeerLink | undefined {
    if (!this.#keys || peer.toLowerCase() === this.wallet.address.toLowerCase()) return;
    const existing = this.#link(peer);
    const s = existing?.state.value;
    if (existing && s !== "closed" && s !== "refused") return existing;
    const link = new PeerLink({ ...this.#keys, peer });
    link.problem.subscribe((p) => p && this.#banner(p.kind, "error", p.message));
    this.links.value = [...this.links.value.filter((l) => l !== existing), link];
    void link.start().catch(() => link.close("connection-failed", "Could not connect to the peer"));
    return link;
  }

  #banner(kind: string, tone: Banner["tone"], message: string): void {
    if (this.banners.value.some((b) => b.message === message)) return;
    this.banners.value = [...this.banners.value, { id: ++this.#bannerId, kind, tone, message }];
  }

  #push(entry: ChatEntry): void {
    this.messages.value = [...this.messages.value, entry].slice(-MAX_ENTRIES);
  }

  #update(id: string, patch: Partial<ChatEntry>): void {
    this.messages.value = this.messages.value.map((e) =>
      e.id === id && e.mine ? { ...e, ...patch } : e
    );
  }
}
