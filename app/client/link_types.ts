/**
 * What a {@linkcode PeerLink} shows and shares: its states and problems, the status snapshot,
 * its events, and what all links of one room session have in common.
 * @module
 */
import type { Address, Hex } from "viem";
import type { CommitmentReader } from "../chain/offer_check.ts";
import type { ReceiptMessage } from "../core/message.ts";
import type { CommitmentPreread } from "./commitment_preread.ts";
import type { IceConfig } from "./ice.ts";
import type { RtcIO } from "./io.ts";
import type { LinkExtension } from "./link_extension.ts";
import type { PathKind } from "./rtc_stats.ts";
import type { SessionKeys } from "./session_keys.ts";
import type { OutgoingMessage } from "./signaling.ts";

/** Where a link is. */
export type LinkState =
  | "waiting" // answerer: waiting for the peer's offer
  | "verifying" // checking the peer's keys against the chain
  | "connecting" // ICE and DTLS
  | "confirming" // DTLS certificate check and key confirmation
  | "open" // encrypted chat works
  | "refused" // the peer's keys or confirmation failed: will not connect
  | "closed"; // the peer left or the connection died

/** The states a link goes through, in order, until it opens (it may end at any of them). */
export const LINK_FORWARD: readonly LinkState[] = [
  "waiting",
  "verifying",
  "connecting",
  "confirming",
  "open",
];

/** What a link says when it ends for these reasons (one sentence each, shown as is). */
export const LINK_ENDS = {
  timeout: "Could not connect to the peer: it may have refused our keys, or something on the " +
    "path is blocking or tampering with the connection",
  mediaMoved: "Refused the peer's new description: it moves media off the verified connection",
  commitmentChanged: "Closed the connection: the peer's key commitment on chain changed since " +
    "it was verified (a new session of theirs, or keys replaced); a new connection needs the " +
    "new keys",
  pathCertificate: "Refused the connection: the DTLS certificate on the network path is not " +
    "the one the peer committed to (someone may be trying to stand in between)",
  certificate: "Refused the connection: the peer's DTLS certificate is not the one it committed to",
  peerLeft: "The peer left the room",
  channelClosed: "The peer left: the connection closed",
} as const;

/** Failure kinds the UI has a notice for. */
export type LinkProblem =
  | "commitment-mismatch"
  | "not-committed"
  | "certificate-mismatch"
  | "key-confirmation"
  | "chain-unreachable"
  | "peer-left"
  | "connection-failed";

/** What a link shows: one snapshot, replaced on every change. */
export interface PeerStatus {
  state: LinkState;
  /** The network path once open: straight between browsers, or through a TURN relay. */
  path: PathKind | null;
  /** The safety number both people compare, once keys are confirmed. */
  safetyNumber: string | null;
  /** Why the link failed or was refused, in one sentence. */
  problem: { kind: LinkProblem; message: string } | null;
  /** True while the network path is lost and being restored (ICE restart). */
  reconnecting: boolean;
}

/** A decrypted chat message from the peer. */
export interface IncomingText {
  from: Address;
  id: string;
  text: string;
  sentAt: number;
  /** The roster hash the sender named (core group.ts). */
  roster: Hex;
}

/** What a link reports once. */
export type PeerLinkEvents = {
  /** A chat text arrived (authenticated and decrypted). */
  text: IncomingText;
  /** The peer sent a receipt: for one of our texts, or an echo of another member's. */
  receipt: { from: Address; receipt: ReceiptMessage };
};

/** What every link of one room session shares. */
export interface LinkSession {
  self: Address;
  roomId: Hex;
  chainId: number;
  registry: Address;
  /** This session's keys (the committed ones). */
  keys: SessionKeys;
  /** The ICE servers the session started with. */
  ice: IceConfig;
  /** Current ICE servers (fresh TURN credentials), asked before every offer and answer. */
  freshIce(): Promise<IceConfig>;
  rtc: RtcIO;
  /** Where the peer's commitment is read (the chain through the wallet). */
  reader: CommitmentReader;
  /** Peers' commitments read when they appeared in the room (none: every check reads). */
  preread?: CommitmentPreread;
  /** Sends a signaling message; false when the socket is not open. */
  signal(message: OutgoingMessage): boolean;
  /** Features that ride on every link with a channel and keys of their own (files). */
  extensions?: readonly LinkExtension[];
  /** How long a link may take to open before it fails (default 30 s; tests make it short). */
  connectTimeoutMs?: number;
}
