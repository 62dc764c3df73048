/**
 * The encrypted channel of one session: seals outgoing frames and opens incoming ones, keeping
 * per-direction sequence numbers and epochs (DESIGN.md step 8).
 *
 * Sending: sequence numbers count up from 0 across epochs ({@link SequenceCounter}); the channel
 * moves to the next epoch (key_schedule.ts `nextEpochKeys`) after {@link REKEY_AFTER_FRAMES}
 * frames or {@link REKEY_AFTER_MS}, or when asked by `rekey()`, and the header tells the peer.
 *
 * Receiving: sequence numbers must strictly increase (gaps are allowed and counted in
 * `state().skipped`; a reliable DataChannel has none). The epoch must be the current one or up to
 * {@link MAX_EPOCH_SKIP} ahead. Nothing changes until a frame authenticates, so a refused frame
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
import { type ConnectionKeys, type EpochKeys, nextEpochKeys } from "./key_schedule.ts";

/** Frames per epoch before the sender rekeys (2^20, far inside SP 800-38D section 8.3). */
export const REKEY_AFTER_FRAMES = 2 ** 20;
/** Age of an epoch after which the sender rekeys: 30 minutes. */
export const REKEY_AFTER_MS = 30 * 60 * 1000;
/** How many epochs ahead of the current one a received frame may be. */
export const MAX_EPOCH_SKIP = 8;
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
  /** Makes the next sealed frame start a new epoch. */
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

  let send: EpochKeys = keys.send;
  let sendContext: FrameContext = { key: send.key, roomId, direction: send.direction };
  let epochStart = now();
  let framesInEpoch = 0;
  let rekeyAsked = false;
  const counter = new SequenceCounter();
  let sendTail: Promise<unknown> = Promise.resolve();

  let receive: EpochKeys = keys.receive;
  // Keys of the epochs just after `receive`, derived on demand and kept (at most MAX_EPOCH_SKIP),
  // so forged frames naming a future epoch cost no repeated derivations.
  let ahead: EpochKeys[] = [];
  let last = -1n;
  let acceptedMask = 0n; // bit i set: sequence (last - i) was accepted
  let receiveEpochFirst = 0n;
  let skipped = 0n;
  let receiveTail: Promise<unknown> = Promise.resolve();

  async function sealNext(plaintext: Uint8Array): Promise<Uint8Array> {
    if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
      throw new FrameError(
        "oversized",
        `Cannot seal frame: plaintext is ${plaintext.length} bytes, the maximum is ${MAX_PLAINTEXT_LENGTH}`,
      );
    }
    if (
      counter.next > 0n &&
      (rekeyAsked || framesInEpoch >= rekeyAfterFrames || now() - epochStart >= rekeyAfterMs)
    ) {
      try {
        send = await nextEpochKeys(send);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        throw new FrameError("exhausted", "Cannot seal frame: the epoch number is used up");
      }
      sendContext = { key: send.key, roomId, direction: send.direction };
      epochStart = now();
      framesInEpoch = 0;
      rekeyAsked = false;
    }
    const sequence = counter.take();
    framesInEpoch++;
    return sealFrame(sendContext, send.epoch, sequence, plaintext);
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
    if (epoch < receive.epoch || epoch - receive.epoch > MAX_EPOCH_SKIP) {
      throw new FrameError(
        "epoch",
        `Cannot open frame: epoch ${epoch} is not ${receive.epoch} or just after`,
      );
    }
    if (epoch === receive.epoch && sequence - receiveEpochFirst >= BigInt(REKEY_AFTER_FRAMES)) {
      throw new FrameError("epoch", "Cannot open frame: the sender did not rekey in time");
    }
    const step = epoch - receive.epoch;
    while (ahead.length < step) ahead.push(await nextEpochKeys(ahead.at(-1) ?? receive));
    const keys = step === 0 ? receive : ahead[step - 1];
    const plaintext = await openFrame(
      { key: keys.key, roomId, direction: keys.direction },
      frame,
      header,
    );
    // Authenticated: only now does the state move.
    if (step > 0) {
      receive = keys;
      ahead = ahead.slice(step);
      receiveEpochFirst = sequence;
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
