/**
 * The encrypted channel of one session: seals outgoing frames and opens incoming ones, keeping
 * per-direction sequence numbers and epochs (DESIGN.md step 8).
 *
 * Sending: sequence numbers count up from 0 across epochs ({@link SequenceCounter}); the channel
 * moves to the next epoch with a DH step (ratchet.ts) after {@link REKEY_AFTER_FRAMES} frames or
 * {@link REKEY_AFTER_MS}, when asked by `rekey()`, or to answer the peer's step (once per step
 * of the peer's that was not itself an answer), and every frame of the epoch carries the step.
 *
 * Receiving: sequence numbers must strictly increase (gaps are allowed and counted in
 * `state().skipped`; a reliable DataChannel has none). The epoch must be the current one or the
 * next (whose step must name one of our last {@link MAX_HELD_SHARES} shares); the previous epoch's
 * keys are dropped when the next one authenticates. Nothing changes until a frame authenticates, so a refused frame
 * ({@link FrameError}) never moves the state. Calls are serialised per direction.
 * @module
 */
import { FrameError } from "./errors.ts";
import { SequenceCounter } from "./counter.ts";
import {
  type FrameContext,
  MAX_PLAINTEXT_LENGTH,
  openFrame,
  parseHeader,
  sealFrame,
} from "./frame.ts";
import { type EcdhKeyPair, generateEcdhKeyPair } from "./ecdh.ts";
import { KeyAgreementError } from "./errors.ts";
import type { ConnectionKeys, EpochKeys } from "./key_schedule.ts";
import { encodeStep, parseStep, ratchetDh, ratchetEpochKeys } from "./ratchet.ts";

/** Frames per epoch before the sender rekeys (2^20, far inside SP 800-38D section 8.3). */
export const REKEY_AFTER_FRAMES = 2 ** 20;
/** Age of an epoch after which the sender rekeys: 30 minutes. */
export const REKEY_AFTER_MS = 30 * 60 * 1000;
/** How many of our own past ratchet shares we keep for steps the peer made before seeing ours. */
export const MAX_HELD_SHARES = 8;
const WINDOW = 64n;
const WINDOW_MASK = (1n << WINDOW) - 1n;

/** Options of {@link createChannel}. */
export interface ChannelOptions {
  /** One connection's keys (from `deriveConnectionKeys`); each value makes exactly one channel. */
  keys: ConnectionKeys;
  /** Clock in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Rekey after this many frames (1..2^20; default 2^20). */
  rekeyAfterFrames?: number;
  /** Rekey after this many milliseconds (at most 30 minutes; the default). */
  rekeyAfterMs?: number;
  /** Makes our fresh ratchet shares (default: a fresh non-extractable pair); vectors fix it. */
  ratchetShare?: () => Promise<EcdhKeyPair>;
}

/** A snapshot of a channel's counters. */
export interface ChannelState {
  /** Epoch of the next sealed frame (before any rekey it triggers). */
  sendEpoch: number;
  /** Sequence number of the next sealed frame. */
  nextSendSequence: bigint;
  /** Current receive epoch. */
  receiveEpoch: number;
  /** Newest accepted sequence number, or -1 before the first. */
  lastReceivedSequence: bigint;
  /** Sequence numbers skipped by accepted frames (lost or dropped on the way). */
  skipped: bigint;
}

/** A sealing/opening channel. */
export interface Channel {
  /** Encrypts one plaintext (at most 64 KiB) into a frame. */
  seal(plaintext: Uint8Array): Promise<Uint8Array>;
  /** Decrypts one frame, or throws {@link FrameError} and changes nothing. */
  open(frame: Uint8Array): Promise<Uint8Array>;
  /** Makes the next sealed frame start a new epoch (with a DH step). */
  rekey(): void;
  /** The current counters. */
  state(): ChannelState;
}

const used = new WeakSet<ConnectionKeys>();

/**
 * Creates the channel for a session's keys. Prefer `handshake()`, which also confirms the keys.
 *
 * @param options The keys and, for tests, a clock and smaller rekey limits.
 * @returns The channel.
 * @throws {TypeError} If these keys already made a channel (its counters would repeat IVs).
 * @throws {RangeError} If a rekey limit is out of range.
 *
 * @example
 * ```ts
 * import { sessionPair } from "../../testing/core_fixtures.ts";
 * const [alice, bob] = await sessionPair(); // two parties' connection keys, as after a handshake
 * const sender = createChannel({ keys: alice.keys });
 * const receiver = createChannel({ keys: bob.keys });
 * const frame = await sender.seal(new TextEncoder().encode("hi"));
 * new TextDecoder().decode(await receiver.open(frame)); // "hi"
 * ```
 */
export function createChannel(options: ChannelOptions): Channel {
  const { keys } = options;
  if (used.has(keys)) {
    throw new TypeError("Cannot create channel: these connection keys already made one");
  }
  const now = options.now ?? Date.now;
  const rekeyAfterFrames = options.rekeyAfterFrames ?? REKEY_AFTER_FRAMES;
  const rekeyAfterMs = options.rekeyAfterMs ?? REKEY_AFTER_MS;
  if (
    !Number.isInteger(rekeyAfterFrames) || rekeyAfterFrames < 1 ||
    rekeyAfterFrames > REKEY_AFTER_FRAMES
  ) {
    throw new RangeError("Cannot create channel: rekeyAfterFrames must be 1..2^20");
  }
  if (!(rekeyAfterMs > 0 && rekeyAfterMs <= REKEY_AFTER_MS)) {
    throw new RangeError("Cannot create channel: rekeyAfterMs must be in (0, 30 minutes]");
  }
  used.add(keys);
  const { roomId } = keys;

  const curve = keys.ratchet.self.curve;
  const makeShare = options.ratchetShare ?? (() => generateEcdhKeyPair({ curve }));

  let send: EpochKeys = keys.send;
  let sendContext: FrameContext = { key: send.key, roomId, direction: send.direction };
  let sendStep: Uint8Array = new Uint8Array(0);
  let epochStart = now();
  let framesInEpoch = 0;
  let rekeyAsked = false;
  const counter = new SequenceCounter();
  let sendTail: Promise<unknown> = Promise.resolve();

  // The ratchet (ratchet.ts): our shares by our send epoch, the peer's latest share by its epoch,
  // and whether we owe the peer an answer step (its last step was not itself an answer).
  const ownShares = new Map<number, EcdhKeyPair>([[0, keys.ratchet.self]]);
  let peerShare = { epoch: 0, share: keys.ratchet.peer };
  let answerDue = false;

  let receive: EpochKeys = keys.receive;
  let last = -1n;
  let acceptedMask = 0n; // bit i set: sequence (last - i) was accepted
  let receiveEpochFirst = 0n;
  let skipped = 0n;
  let receiveTail: Promise<unknown> = Promise.resolve();

  async function stepSend(): Promise<void> {
    const answer = answerDue;
    const share = await makeShare();
    const step = encodeStep({ answer, peerEpoch: peerShare.epoch, share: share.publicKey });
    const dh = await ratchetDh(share, peerShare.share);
    send = await ratchetEpochKeys(send, dh, step);
    ownShares.set(send.epoch, share);
    for (const epoch of ownShares.keys()) {
      if (ownShares.size > MAX_HELD_SHARES && epoch < send.epoch) ownShares.delete(epoch);
    }
    sendContext = { key: send.key, roomId, direction: send.direction };
    sendStep = step;
    epochStart = now();
    framesInEpoch = 0;
    rekeyAsked = false;
    answerDue = false;
  }

  async function sealNext(plaintext: Uint8Array): Promise<Uint8Array> {
    if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
      throw new FrameError(
        "oversized",
        `Cannot seal frame: plaintext is ${plaintext.length} bytes, the maximum is ${MAX_PLAINTEXT_LENGTH}`,
      );
    }
    if (
      counter.next > 0n &&
      (rekeyAsked || answerDue || framesInEpoch >= rekeyAfterFrames ||
        now() - epochStart >= rekeyAfterMs)
    ) {
      try {
        await stepSend();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new FrameError("exhausted", "Cannot seal frame: the epoch number is used up");
      }
    }
    const sequence = counter.take();
    framesInEpoch++;
    return sealFrame(sendContext, send.epoch, sequence, plaintext, sendStep);
  }

  /** The keys of the frame's epoch: the current ones, or the next after its DH step. */
  async function keysFor(epoch: number, stepBytes: Uint8Array) {
    if (epoch === receive.epoch) return { keys: receive, step: null };
    if (epoch !== receive.epoch + 1) {
      throw new FrameError(
        "epoch",
        `Cannot open frame: epoch ${epoch} is not ${receive.epoch} or the next`,
      );
    }
    const step = parseStep(stepBytes);
    const own = step && ownShares.get(step.peerEpoch);
    if (!step || !own) {
      throw new FrameError("epoch", "Cannot open frame: its DH step names a share we do not hold");
    }
    try {
      return {
        keys: await ratchetEpochKeys(receive, await ratchetDh(own, step.share), stepBytes),
        step,
      };
    } catch (error) {
      if (!(error instanceof KeyAgreementError)) throw error;
      throw new FrameError("tampered", "Cannot open frame: its DH step is not a valid share");
    }
  }

  async function openNext(frame: Uint8Array): Promise<Uint8Array> {
    const header = parseHeader(frame);
    const { sequence, epoch } = header;
    if (sequence <= last) {
      const age = last - sequence;
      if (age < WINDOW && ((acceptedMask >> age) & 1n) === 1n) {
        throw new FrameError("replayed", "Cannot open frame: its sequence number was already used");
      }
      throw new FrameError("reordered", "Cannot open frame: it is older than the newest frame");
    }
    if (epoch < receive.epoch) {
      throw new FrameError("epoch", `Cannot open frame: epoch ${epoch} is before ${receive.epoch}`);
    }
    if (epoch === receive.epoch && sequence - receiveEpochFirst >= BigInt(REKEY_AFTER_FRAMES)) {
      throw new FrameError("epoch", "Cannot open frame: the sender did not rekey in time");
    }
    const { keys: epochKeys, step } = await keysFor(epoch, header.step);
    const plaintext = await openFrame(
      { key: epochKeys.key, roomId, direction: epochKeys.direction },
      frame,
      header,
    );
    // Authenticated: only now does the state move.
    if (step) {
      receive = epochKeys;
      receiveEpochFirst = sequence;
      peerShare = { epoch, share: step.share };
      // The peer saw our share of step.peerEpoch: it never uses an older one again.
      for (const e of ownShares.keys()) if (e < step.peerEpoch) ownShares.delete(e);
      if (!step.answer) answerDue = true;
    }
    const shift = sequence - last;
    acceptedMask = shift >= WINDOW ? 1n : ((acceptedMask << shift) | 1n) & WINDOW_MASK;
    skipped += shift - 1n;
    last = sequence;
    return plaintext;
  }

  return {
    seal(plaintext) {
      const result = sendTail.then(() => sealNext(plaintext));
      sendTail = result.catch(() => {});
      return result;
    },
    open(frame) {
      const result = receiveTail.then(() => openNext(frame));
      receiveTail = result.catch(() => {});
      return result;
    },
    rekey() {
      rekeyAsked = true;
    },
    state() {
      return {
        sendEpoch: send.epoch,
        nextSendSequence: counter.next,
        receiveEpoch: receive.epoch,
        lastReceivedSequence: last,
        skipped,
      };
    },
  };
}
