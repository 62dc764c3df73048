/**
 * Links that could not be made, made again (room_links.ts): a link that did not open in time, or
 * whose checks could not read the chain, is made again by the offering side after the next delay
 * of {@linkcode LINK_RETRY_MS}, while the peer is in the room (as the server last said). The
 * answering side takes the new offer on a new link (`PeerLink.fromOtherConnection`). A refused
 * link is never made again; a link that opens resets the peer's tries.
 * @module
 */
import type { Address } from "viem";
import type { PeerLink } from "./peer_link.ts";

/** Delays before each new try (ms): three tries, then the link stays failed. */
export const LINK_RETRY_MS: readonly number[] = [1_000, 4_000, 10_000];
/** Link problems worth another try: nothing was refused. */
const RETRIED: ReadonlySet<string> = new Set(["connection-failed", "chain-unreachable"]);

/** What {@linkcode LinkRetries} needs from the room's links. */
export interface LinkRetriesOptions {
  /** Delays before each try (default {@linkcode LINK_RETRY_MS}). */
  delaysMs?: readonly number[];
  /** The room's current link to a peer. */
  current(peer: Address): PeerLink | undefined;
  /** Makes a new link to a peer (its old one ended). */
  remake(peer: Address): void;
}

/**
 * The tries of one room session's links.
 *
 * @example
 * ```ts ignore
 * const retries = new LinkRetries({ current: (p) => linkTo(p), remake: (p) => ensureLink(p) });
 * retries.roster(joined.peers);
 * link.status.subscribe(() => link.ended && retries.failed(link));
 * ```
 */
export class LinkRetries {
  #o: LinkRetriesOptions;
  /** The peers the server last said are in the room (lower case). */
  #present = new Set<string>();
  /** Failed tries in a row per peer (lower case), and the next one waiting. */
  #tries = new Map<string, { count: number; timer?: ReturnType<typeof setTimeout> }>();
  #stopped = false;

  constructor(o: LinkRetriesOptions) {
    this.#o = o;
  }

  /** The server's list of the room's peers (at every join). */
  roster(peers: readonly Address[]): void {
    this.#present = new Set(peers.map(lower));
  }

  /** A peer joined the room. */
  arrived(peer: Address): void {
    this.#present.add(lower(peer));
  }

  /** A peer left the room: no new link is made to it. */
  left(peer: Address): void {
    this.#present.delete(lower(peer));
  }

  /** A link to the peer opened: its tries start again from none. */
  opened(peer: Address): void {
    clearTimeout(this.#tries.get(lower(peer))?.timer);
    this.#tries.delete(lower(peer));
  }

  /** A link ended: made again later when it could not be made and tries remain. */
  failed(link: PeerLink): void {
    const kind = link.status.value.problem?.kind;
    if (this.#stopped || !link.offerer || link.state === "refused") return;
    if (!kind || !RETRIED.has(kind)) return;
    const key = lower(link.peer);
    const delays = this.#o.delaysMs ?? LINK_RETRY_MS;
    const tries = this.#tries.get(key) ?? { count: 0 };
    if (tries.count >= delays.length) return;
    this.#tries.set(key, tries);
    clearTimeout(tries.timer);
    tries.timer = setTimeout(() => {
      if (this.#stopped || !this.#present.has(key) || this.#o.current(link.peer) !== link) return;
      this.#o.remake(link.peer);
    }, delays[tries.count++]);
  }

  /** Makes no more tries (the session stopped). */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#tries.values()) clearTimeout(t.timer);
  }
}

function lower(address: Address): string {
  return address.toLowerCase();
}
