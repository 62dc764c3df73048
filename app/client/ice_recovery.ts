/**
 * How a `PeerLink` follows and recovers its ICE path: the path in use is reported when
 * ICE connects and whenever the browser switches pairs; a "disconnected" path may heal by itself
 * for a moment, then (or at once on "failed") the offerer restarts ICE with a new offer, which the
 * peer verifies like the first (bounded).
 * @module
 */
import type { PeerStatus } from "./link_types.ts";
import { watchSelectedPath } from "./ice_path.ts";
import { selectedPath } from "./rtc_stats.ts";

/** How long a "disconnected" path may heal by itself before the offerer restarts ICE. */
const ICE_GRACE_MS = 3_000;
const MAX_ICE_RESTARTS = 5;

/** Inputs of {@linkcode IceRecovery}: the link's parts it works with. */
export interface IceRecoveryOptions {
  /** True for the side that offers (only it restarts ICE). */
  offerer: boolean;
  /** True once the link is open (a blip before that is not a reconnect). */
  isOpen: () => boolean;
  /** True once the peer's description is verified and applied (a restart needs it). */
  remoteSet: () => boolean;
  /** Updates the link's status (`reconnecting`, `path`). */
  set: (patch: Partial<PeerStatus>) => void;
  /** Sends an ICE-restart offer. */
  restartOffer: () => Promise<void>;
}

/**
 * Follows a connection's ICE state and restarts ICE when the path is lost.
 *
 * @example
 * ```ts ignore
 * const recovery = new IceRecovery(pc, { offerer, isOpen, remoteSet, set, restartOffer });
 * pc.oniceconnectionstatechange = () => recovery.onIceState();
 * recovery.followPairs(); // once the peer's description is applied
 * recovery.stop();
 * ```
 */
export class IceRecovery {
  #pc: RTCPeerConnection;
  #o: IceRecoveryOptions;
  #restarts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #watchingPairs = false;
  /** Path reads and switches so far: only the latest one is shown. */
  #pathReads = 0;

  constructor(pc: RTCPeerConnection, o: IceRecoveryOptions) {
    this.#pc = pc;
    this.#o = o;
  }

  /** ICE restarts done so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Call on every `iceconnectionstatechange`. */
  onIceState(): void {
    const s = this.#pc.iceConnectionState;
    clearTimeout(this.#timer);
    if (s === "connected" || s === "completed") {
      this.#o.set({ reconnecting: false });
      void this.readPath();
    } else if (s === "disconnected" && this.#o.isOpen()) {
      // Often a blip that heals by itself; if it does not, restart ICE before "failed" (~30 s).
      this.#o.set({ reconnecting: true });
      this.#timer = setTimeout(() => this.#restartIce(), ICE_GRACE_MS);
    } else if (s === "failed") {
      this.#o.set({ reconnecting: true });
      this.#restartIce();
    }
  }

  /** Call once the peer's description is applied: reports pair switches while the link is open. */
  followPairs(): void {
    // The browser may switch to a better pair later without any ICE state change.
    this.#watchingPairs ||= watchSelectedPath(this.#pc, (path) => {
      if (!this.#o.isOpen()) return;
      if (!path) return void this.readPath();
      this.#pathReads++;
      this.#o.set({ path });
    });
  }

  /**
   * Reads the selected pair's path from the statistics and shows it, unless a later read or
   * switch came meanwhile (reads may come back out of order, and a stale one must not win).
   */
  async readPath(): Promise<void> {
    const read = ++this.#pathReads;
    const path = await selectedPath(this.#pc).catch(() => null);
    if (path && read === this.#pathReads) this.#o.set({ path });
  }

  /** Restarts nothing more (the link closed). */
  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The offerer restarts ICE with a new offer (the peer verifies it like the first). */
  #restartIce(): void {
    const s = this.#pc.iceConnectionState;
    if (s !== "disconnected" && s !== "failed") return;
    if (!this.#o.offerer || !this.#o.remoteSet() || this.#restarts >= MAX_ICE_RESTARTS) return;
    this.#restarts++;
    this.#pc.restartIce();
    void this.#o.restartOffer().catch(() => {});
  }
}
