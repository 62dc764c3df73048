/**
 * Key confirmation (DESIGN.md step 7): the first frame each way carries the sender's 32-byte
 * confirmation value from the key schedule. A peer that derived other keys (another transcript,
 * another shared secret: a key swapped in the middle) fails here, before any message.
 *
 * Written over a tiny `send`/`receive` transport so tests run it on two in-memory queues.
 * @module
 */
import { equalBytes } from "./bytes.ts";
import { type Channel, type ChannelOptions, createChannel } from "./channel.ts";
import { ConfirmationError, FrameError } from "./errors.ts";

/** Moves frames to and from the peer, in order (a DataChannel in the browser). */
export interface FrameTransport {
  /** Sends one frame. */
  send(frame: Uint8Array): void | Promise<void>;
  /** Resolves with the next frame from the peer. */
  receive(): Promise<Uint8Array>;
}

/** How long to wait for the peer's confirmation by default: 15 seconds. */
export const CONFIRMATION_TIMEOUT_MS = 15_000;

/** Options of {@link handshake}. */
export interface HandshakeOptions extends ChannelOptions {
  /** Where frames go. */
  transport: FrameTransport;
  /** Give up after this long (default {@link CONFIRMATION_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Give up when aborted. */
  signal?: AbortSignal;
}

function receiveWithin(
  transport: FrameTransport,
  ms: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new ConfirmationError(`Cannot confirm keys: ${why}`));
    };
    const timer = setTimeout(() => fail("no confirmation from the peer in time"), ms);
    const onAbort = () => fail("the handshake was aborted");
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort);
    transport.receive().then(
      (frame) => {
        cleanup();
        resolve(frame);
      },
      () => fail("the transport closed before the peer confirmed"),
    );
  });
}

/**
 * Sends our confirmation frame, receives and checks the peer's, and returns the ready channel.
 *
 * @param options The session keys, the transport, and optional timeout/abort/channel options.
 * @returns A channel whose next frames are application messages.
 * @throws {ConfirmationError} If the peer's first frame does not authenticate, carries another
 *   value, or does not come in time.
 *
 * @example
 * ```ts
 * const channel = await handshake({ keys, transport: { send: (f) => dc.send(f), receive } });
 * ```
 */
export async function handshake(options: HandshakeOptions): Promise<Channel> {
  const { keys, transport } = options;
  const channel = createChannel(options);
  await transport.send(await channel.seal(keys.sendConfirmation));
  const first = await receiveWithin(
    transport,
    options.timeoutMs ?? CONFIRMATION_TIMEOUT_MS,
    options.signal,
  );
  let value: Uint8Array;
  try {
    value = await channel.open(first);
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    throw new ConfirmationError(
      `Cannot confirm keys: the peer's first frame was refused (${error.reason})`,
    );
  }
  if (!equalBytes(value, keys.receiveConfirmation)) {
    throw new ConfirmationError(
      "Cannot confirm keys: the peer's first frame is not its confirmation",
    );
  }
  return channel;
}
