/**
 * What the call engine shows: one snapshot of the call, replaced on every change.
 * @module
 */
import type { Address } from "viem";
import type { PathKind } from "../rtc_stats.ts";

/** Most people (this browser included) in an audio call, and in a video call: measured
 * (benchmark 8's `meshFit`, bench/README.md), docs/CLIENT.md ("Calls") gives the figures. */
export const CALL_LIMITS = { audio: 14, video: 6 } as const;

/** Where this browser is. */
export type CallPhase = "idle" | "incoming" | "in-call";

/** One other person in the call. */
export interface CallPeer {
  address: Address;
  /** Rung and not answered yet, in the call, declined, or gone. */
  status: "ringing" | "joined" | "declined" | "left";
  /** Their audio and video (once media was negotiated). */
  stream: MediaStream | null;
  /** Direct or through a relay (the chat link's path). */
  path: PathKind | null;
  /** The link carrying the call is the verified one: same keys as the chat. */
  verified: boolean;
  speaking: boolean;
  /** What they say they send. */
  mic: boolean;
  camera: boolean;
  screen: boolean;
  /** Why they are not in the call (declined, busy, full, refused), in one sentence. */
  note: string | null;
  /** Inbound statistics: video frames decoded, total audio energy, audio packets received. */
  framesDecoded: number;
  audioEnergy: number;
  audioPackets: number;
}

/** The call as this browser sees it. */
export interface CallState {
  phase: CallPhase;
  /** The call's id (null when idle). */
  call: string | null;
  /** True for a video call. */
  video: boolean;
  /** Who rang (incoming). */
  from: Address | null;
  mic: boolean;
  camera: boolean;
  screen: boolean;
  /** This browser's camera or screen and microphone, for its own tile. */
  local: MediaStream | null;
  peers: CallPeer[];
  /** Why the last call ended or could not start or go on, in one sentence. */
  problem: string | null;
  /** Devices to choose from (after permission was given, labels included). */
  devices: {
    microphones: MediaDeviceInfo[];
    cameras: MediaDeviceInfo[];
    speakers: MediaDeviceInfo[];
  };
}

/** The state with no call. */
export function idleCall(problem: string | null = null, devices = noDevices()): CallState {
  return {
    phase: "idle",
    call: null,
    video: false,
    from: null,
    mic: false,
    camera: false,
    screen: false,
    local: null,
    peers: [],
    problem,
    devices,
  };
}

function noDevices(): CallState["devices"] {
  return { microphones: [], cameras: [], speakers: [] };
}

/** A peer as first seen in a call: nothing received yet. */
export function newPeer(address: Address, status: CallPeer["status"]): CallPeer {
  return {
    address,
    status,
    stream: null,
    path: null,
    verified: false,
    speaking: false,
    mic: true,
    camera: false,
    screen: false,
    note: null,
    framesDecoded: 0,
    audioEnergy: 0,
    audioPackets: 0,
  };
}
