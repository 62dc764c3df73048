/**
 * A member of a room whose socket is on another instance, as this instance's hub sees it: a
 * {@linkcode Peer} whose sends go to that instance over Redis (its instance channel), which hands
 * them to the socket. The hub's room, presence and relay code treats it like a local peer; it is
 * never closed or ended from here (its own instance does that).
 * @module
 */
import type { Address, Hex } from "viem";
import { Peer } from "../signaling/peer.ts";

/** Where a remote peer's frames go: `deliver` throws a StateUnavailableError when Redis cannot be
 * reached (the relay then fails closed and tells the sender). */
export interface RemoteBus {
  deliver(instance: string, roomId: Hex, key: string, text: string): void;
}

const NO_SOCKET = { send() {}, close() {}, bufferedAmount: 0 };

/**
 * A member on another instance.
 *
 * @example
 * ```ts ignore
 * const bob = new RemotePeer(bus, "5f1c0a2e9b7d3c41", roomId, "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
 * bob.send({ v: 1, type: "presence", roomId, address: alice, state: "joined" }); // to bob's instance
 * ```
 */
export class RemotePeer extends Peer {
  readonly instance: string;
  readonly roomId: Hex;
  #bus: RemoteBus;

  constructor(bus: RemoteBus, instance: string, roomId: Hex, address: Address) {
    super(NO_SOCKET, {
      address,
      sessionId: "",
      ip: "",
      maxSendBufferBytes: 0,
      ratePerSecond: 1,
      rateBurst: 1,
    });
    this.#bus = bus;
    this.instance = instance;
    this.roomId = roomId;
  }

  /** Sends to the socket on its instance (no cap on unsent bytes here: its instance has it). */
  override sendText(text: string): void {
    this.#bus.deliver(this.instance, this.roomId, this.key, text);
  }

  /** Its own instance closes it. */
  override close(): void {}
}
