/**
 * What a `RoomSession` reports: its state snapshot and its one-off events, shared by the
 * session and the parts it delegates to (`room_links.ts`, `session_key_store.ts`).
 * @module
 */
import type { Notice } from "./notices.ts";
import type { PeerLink, PeerLinkEvents } from "./peer_link.ts";
import type { RoomGroupEvents } from "./room_group.ts";
import type { SignalingState } from "./signaling.ts";
import type { TxState } from "./transactions.ts";

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
