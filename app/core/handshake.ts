/**
 * The connection handshake of protocol v2 (docs/CRYPTO.md section 3), run over a new DataChannel
 * once both peers are verified against the chain. One round trip: both flights go at once.
 *
 * 1. **Hello**: each side sends, in the clear,
 *    "M3H2" || nonce (32) || ephemeral ECDH share (32 X25519 / 65 P-256) || ML-KEM-768 ciphertext
 *    (1088) encapsulated to the peer's committed ML-KEM key. key_schedule.ts combines both hellos,
 *    both ECDH terms and both KEM secrets into this connection's root (hybrid, per pair).
 *    A v1 hello ("M3H1") is refused by name.
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
import {
  type EcdhCurve,
  type EcdhKeyPair,
  generateEcdhKeyPair,
  PUBLIC_KEY_LENGTH,
} from "./ecdh.ts";
import { ConfirmationError, FrameError, KeyAgreementError } from "./errors.ts";
import { encapsulate, KEM_CIPHERTEXT_LENGTH } from "./kem.ts";
import {
  type ConnectionKeys,
  deriveConnectionKeys,
  type HelloSecrets,
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
export const HELLO_MAGIC = "M3H2";
/** The magic of a protocol v1 hello, refused by name. */
export const HELLO_MAGIC_V1 = "M3H1";
/** How long to wait for the peer by default (hello and confirmation together): 15 seconds. */
export const CONFIRMATION_TIMEOUT_MS = 15_000;

const MAGIC = utf8(HELLO_MAGIC);
const MAGIC_V1 = utf8(HELLO_MAGIC_V1);

/**
 * Length of a hello on a curve: magic (4) + nonce (32) + share (32 or 65) + ciphertext (1088).
 *
 * @param curve The session's ECDH curve.
 * @returns 1156 for X25519, 1189 for P-256.
 *
 * @example
 * ```ts
 * helloLength("X25519"); // 1156
 * ```
 */
export function helloLength(curve: EcdhCurve): number {
  return MAGIC.length + NONCE_LENGTH + PUBLIC_KEY_LENGTH[curve] + KEM_CIPHERTEXT_LENGTH;
}

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
  /**
   * Our hello, made ahead with {@link makeHello} from the same `keys` (a browser makes it while
   * ICE and DTLS run, so the handshake starts by sending it). Each hello serves one handshake.
   */
  hello?: HelloSecrets & { hello: Uint8Array };
}

/** A hello's parts. */
export interface Hello {
  nonce: Uint8Array;
  /** The raw ephemeral ECDH public key. */
  ephemeral: Uint8Array;
  /** The ML-KEM-768 ciphertext to the receiver's committed key. */
  ciphertext: Uint8Array;
}

/**
 * Encodes a hello message.
 *
 * @param h Nonce (32 bytes), ephemeral share and ciphertext.
 * @returns "M3H2" || nonce || ephemeral || ciphertext.
 *
 * @example
 * ```ts
 * const hello = encodeHello({
 *   nonce: new Uint8Array(32),
 *   ephemeral: new Uint8Array(32).fill(9),
 *   ciphertext: new Uint8Array(1088),
 * });
 * hello.length; // 1156
 * ```
 */
export function encodeHello(h: Hello): Uint8Array {
  return concatBytes(MAGIC, h.nonce, h.ephemeral, h.ciphertext);
}

/**
 * Reads a peer's hello, or returns null if it is not a v2 hello on this curve.
 *
 * @param bytes The first message from the peer.
 * @param curve The session's curve (the peer's committed key is on it too).
 * @returns The hello's parts, or null.
 *
 * @example
 * ```ts
 * const h = { nonce: new Uint8Array(32), ephemeral: new Uint8Array(32), ciphertext: new Uint8Array(1088) };
 * parseHello(encodeHello(h), "X25519")?.ciphertext.length; // 1088
 * parseHello(new Uint8Array(1156), "X25519"); // null: not a hello
 * ```
 */
export function parseHello(bytes: Uint8Array, curve: EcdhCurve): Hello | null {
  if (!(bytes instanceof Uint8Array) || bytes.length !== helloLength(curve)) return null;
  if (!equalBytes(bytes.subarray(0, MAGIC.length), MAGIC)) return null;
  const at = MAGIC.length + NONCE_LENGTH;
  const end = at + PUBLIC_KEY_LENGTH[curve];
  return {
    nonce: bytes.slice(MAGIC.length, at),
    ephemeral: bytes.slice(at, end),
    ciphertext: bytes.slice(end),
  };
}

/**
 * Makes our hello for one connection: a fresh nonce, a fresh ephemeral ECDH pair and a fresh
 * ML-KEM-768 encapsulation to the peer's committed key.
 *
 * @param session The session keys.
 * @param fixed Fixed material instead of fresh randomness: vectors only.
 * @returns The hello bytes and the secrets `deriveConnectionKeys` needs.
 * @throws {KeyAgreementError} If the peer's ML-KEM key is invalid.
 *
 * @example
 * ```ts
 * import { sessionPair } from "../../testing/core_fixtures.ts";
 * const [alice] = await sessionPair();
 * (await makeHello(alice.session)).hello.length; // 1156 on X25519
 * ```
 */
export async function makeHello(
  session: SessionKeys,
  fixed: { nonce?: Uint8Array; ephemeral?: EcdhKeyPair; kemRandom?: Uint8Array } = {},
): Promise<HelloSecrets & { hello: Uint8Array }> {
  const curve = session.keyPair.curve;
  const nonce = fixed.nonce ?? crypto.getRandomValues(new Uint8Array(NONCE_LENGTH));
  const [ephemeral, kem] = await Promise.all([
    fixed.ephemeral ?? generateEcdhKeyPair({ curve }),
    encapsulate(session.peerKemKey, { random: fixed.kemRandom }),
  ]);
  const hello = encodeHello({
    nonce,
    ephemeral: ephemeral.publicKey,
    ciphertext: kem.ciphertext,
  });
  return { hello, nonce, ephemeral, ciphertext: kem.ciphertext, kemSecret: kem.sharedSecret };
}

/** Hellos that started a handshake: their ephemeral and KEM secrets are never used twice. */
const usedHellos = new WeakSet<object>();

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
  if (options.hello && usedHellos.has(options.hello)) {
    throw new TypeError("Cannot run handshake: this hello already served one");
  }
  const mine = options.hello ?? await makeHello(keys);
  usedHellos.add(mine);
  await transport.send(mine.hello);
  const peerBytes = await receiveBy(transport, deadline, signal);
  const peer = parseHello(peerBytes, keys.keyPair.curve);
  if (!peer) {
    mine.kemSecret.fill(0);
    if (
      peerBytes instanceof Uint8Array &&
      equalBytes(peerBytes.subarray(0, MAGIC_V1.length), MAGIC_V1)
    ) {
      throw new ConfirmationError(
        "Cannot confirm keys: the peer speaks protocol v1, which is refused (it must update)",
      );
    }
    throw new ConfirmationError("Cannot confirm keys: the peer's hello is malformed");
  }
  let connection: ConnectionKeys;
  try {
    connection = await deriveConnectionKeys(keys, mine, { ...peer, hello: peerBytes });
  } catch (error) {
    if (!(error instanceof KeyAgreementError)) throw error;
    throw new ConfirmationError(`Cannot confirm keys: ${error.message}`);
  }
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
