/**
 * The connection handshake (DESIGN.md step 7), run over a new DataChannel once both peers are
 * verified against the chain:
 *
 * 1. **Hello**: each side sends "M3H1" || a fresh 32-byte nonce, in the clear. The nonces make
 *    this connection's keys new even if both ECDH key pairs were used before (key_schedule.ts).
 * 2. **Key confirmation**: each side derives the connection keys and sends its 32-byte
 *    confirmation value as its first encrypted frame (sequence 0), then opens the peer's and
 *    compares. A peer that derived other keys (another transcript, another shared secret, a key
 *    swapped in the middle, an altered nonce) fails here, before any message.
 *
 * Written over a tiny `send`/`receive` transport so tests run it on two in-memory queues.
 * @module
 */
import { concatBytes, equalBytes, utf8 } from "./bytes.ts";
import { type Channel, type ChannelOptions, createChannel } from "./channel.ts";
import { ConfirmationError, FrameError } from "./errors.ts";
import {
  type ConnectionKeys,
  deriveConnectionKeys,
  NONCE_LENGTH,
  type SessionKeys,
} from "./key_schedule.ts";

/** Moves frames to and from the peer, in order (a DataChannel in the browser). */
export interface FrameTransport {
  /** Sends one frame. */
  send(frame: Uint8Array): void | Promise<void>;
  /** Resolves with the next frame from the peer. */
  receive(): Promise<Uint8Array>;
}

/** The first 4 bytes of a hello: protocol name and version. */
export const HELLO_MAGIC = "M3H1";
/** Length of a hello message: magic (4) + nonce (32). */
export const HELLO_LENGTH = 4 + NONCE_LENGTH;
/** How long to wait for the peer by default (hello and confirmation together): 15 seconds. */
export const CONFIRMATION_TIMEOUT_MS = 15_000;

const MAGIC = utf8(HELLO_MAGIC);

/** Options of {@link handshake}. */
export interface HandshakeOptions extends Omit<ChannelOptions, "keys"> {
  /** The session keys from `deriveSessionKeys`; each handshake makes fresh connection keys. */
  keys: SessionKeys;
  /** Where frames go. */
  transport: FrameTransport;
  /** Give up after this long (default {@link CONFIRMATION_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Give up when aborted. */
  signal?: AbortSignal;
  /**
   * Called once the peer's confirmation checked out, with this connection's keys at epoch 0,
   * before the channel is returned: where sub-channel keys are derived (sub_keys.ts).
   */
  onConnectionKeys?(connection: ConnectionKeys): Promise<void> | void;
}

/**
 * Encodes a hello message.
 *
 * @param nonce 32 bytes.
 * @returns "M3H1" || nonce.
 *
 * @example
 * ```ts
 * const hello = encodeHello(crypto.getRandomValues(new Uint8Array(32)));
 * hello.length; // 36: "M3H1" and the nonce
 * ```
 */
export function encodeHello(nonce: Uint8Array): Uint8Array {
  return concatBytes(MAGIC, nonce);
}

/**
 * Reads the peer's nonce from its hello, or returns null if it is not a hello.
 *
 * @param bytes The first message from the peer.
 * @returns The 32-byte nonce, or null.
 *
 * @example
 * ```ts
 * const nonce = crypto.getRandomValues(new Uint8Array(32));
 * parseHello(encodeHello(nonce)); // the nonce
 * parseHello(new Uint8Array(36)); // null: not a hello
 * ```
 */
export function parseHello(bytes: Uint8Array): Uint8Array | null {
  if (!(bytes instanceof Uint8Array) || bytes.length !== HELLO_LENGTH) return null;
  if (!equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)) return null;
  return bytes.slice(MAGIC.length);
}

function receiveBy(
  transport: FrameTransport,
  deadline: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new ConfirmationError(`Cannot confirm keys: ${why}`));
    };
    const timer = setTimeout(
      () => fail("no answer from the peer in time"),
      Math.max(0, deadline - Date.now()),
    );
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
 * Exchanges hellos, derives this connection's keys, sends our confirmation frame, receives and
 * checks the peer's, and returns the ready channel.
 *
 * @param options The session keys, the transport, and optional timeout/abort/channel options.
 * @returns A channel whose next frames are application messages.
 * @throws {ConfirmationError} If the peer's hello is malformed, its first frame does not
 *   authenticate or carries another value, or the peer does not answer in time.
 *
 * @example
 * ```ts
 * import { sessionPair } from "../../testing/core_fixtures.ts";
 * import { memoryTransportPair } from "../../testing/memory_transport.ts";
 * const [alice, bob] = await sessionPair(); // each side's deriveSessionKeys result
 * const [toBob, toAlice] = memoryTransportPair(); // a DataChannel in the browser
 * const [a, b] = await Promise.all([
 *   handshake({ keys: alice.session, transport: toBob }),
 *   handshake({ keys: bob.session, transport: toAlice }),
 * ]);
 * const frame = await a.seal(new TextEncoder().encode("confirmed"));
 * new TextDecoder().decode(await b.open(frame)); // "confirmed"
 * ```
 */
export async function handshake(options: HandshakeOptions): Promise<Channel> {
  const { keys, transport, signal } = options;
  const deadline = Date.now() + (options.timeoutMs ?? CONFIRMATION_TIMEOUT_MS);
  const nonce = crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
  await transport.send(encodeHello(nonce));
  const peerNonce = parseHello(await receiveBy(transport, deadline, signal));
  if (!peerNonce) throw new ConfirmationError("Cannot confirm keys: the peer's hello is malformed");
  const connection = await deriveConnectionKeys(keys, { self: nonce, peer: peerNonce });
  const channel = createChannel({ ...options, keys: connection });
  await transport.send(await channel.seal(connection.sendConfirmation));
  const first = await receiveBy(transport, deadline, signal);
  let value: Uint8Array;
  try {
    value = await channel.open(first);
  } catch (error) {
    if (!(error instanceof FrameError)) throw error;
    throw new ConfirmationError(
      `Cannot confirm keys: the peer's first frame was refused (${error.reason})`,
    );
  }
  if (!equalBytes(value, connection.receiveConfirmation)) {
    throw new ConfirmationError(
      "Cannot confirm keys: the peer's first frame is not its confirmation",
    );
  }
  await options.onConnectionKeys?.(connection);
  return channel;
}
