/**
 * The signaling socket: typed frames (app/core/wire.ts) over one WebSocket to `/ws`, with
 * reconnection (exponential backoff with jitter) and re-joining of the rooms after each reconnect.
 *
 * The server is not trusted with content: it only carries offers, answers and ICE candidates,
 * which the peer session verifies against the chain itself. Browser-only (any WebSocket).
 * @module
 */
import type { Hex } from "viem";
import {
  type ClientMessage,
  encodeWireMessage,
  parseServerMessage,
  type ServerMessage,
} from "../core/wire.ts";
import { Store } from "./store.ts";

/** Socket state, for the UI. */
export type SignalingState = "connecting" | "open" | "reconnecting" | "closed";

/** A client message without the version field (added on send). */
export type OutgoingMessage = ClientMessage extends infer M
  ? M extends ClientMessage ? Omit<M, "v"> : never
  : never;

/** Options of {@linkcode SignalingClient}. */
export interface SignalingOptions {
  /** WebSocket URL, for example `ws://127.0.0.1:8000/ws`. */
  url: string;
  /** Called with every valid frame from the server. */
  onMessage: (message: ServerMessage) => void;
  /** Called after each (re)connection once the server said `welcome`. */
  onOpen?: (reconnected: boolean) => void;
  /**
   * Called before the second and later attempts in a row: a socket refused again and again may
   * need a new sign-in (the server forgets sessions when it restarts).
   */
  beforeReconnect?: () => Promise<void>;
  /** First reconnect delay in ms (doubles up to `maxDelayMs`). Default 250. */
  baseDelayMs?: number;
  /** Longest delay between attempts. Default 8000. */
  maxDelayMs?: number;
  /** Attempts in a row before giving up. Default 30. */
  maxAttempts?: number;
  /** Opens the WebSocket (default `new WebSocket(url)`; the engine passes its I/O's). */
  openSocket?: (url: string) => WebSocket;
}

const PING_INTERVAL_MS = 20_000;

/** One signaling connection that keeps itself alive and its rooms joined. */
export class SignalingClient {
  /** Current state. */
  readonly state = new Store<SignalingState>("closed");
  /** Times the socket was reopened after a drop. */
  readonly reconnects = new Store(0);

  #opts:
    & Required<Omit<SignalingOptions, "onOpen" | "beforeReconnect">>
    & Pick<SignalingOptions, "onOpen" | "beforeReconnect">;
  #socket: WebSocket | null = null;
  #rooms = new Set<Hex>();
  #attempts = 0;
  #everOpened = false;
  #stopped = true;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ping: ReturnType<typeof setInterval> | undefined;

  /** @param options URL, callbacks and backoff. */
  constructor(options: SignalingOptions) {
    this.#opts = {
      baseDelayMs: 250,
      maxDelayMs: 8000,
      maxAttempts: 30,
      openSocket: (url: string) => new WebSocket(url),
      ...options,
    };
  }

  /** Opens the socket (and keeps reopening it until {@linkcode SignalingClient.close}). */
  connect(): void {
    this.#stopped = false;
    this.#open();
  }

  /**
   * Joins a room now (if open) and again after every reconnect.
   *
   * @param roomId The room.
   */
  join(roomId: Hex): void {
    this.#rooms.add(roomId);
    this.send({ type: "join", roomId });
  }

  /**
   * Leaves a room.
   *
   * @param roomId The room.
   */
  leave(roomId: Hex): void {
    this.#rooms.delete(roomId);
    this.send({ type: "leave", roomId });
  }

  /**
   * Sends a frame if the socket is open.
   *
   * @param message The message (the version is added).
   * @returns false when the socket is not open (the caller retries after reconnect).
   */
  send(message: OutgoingMessage): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== 1 || this.state.value !== "open") return false;
    socket.send(encodeWireMessage({ v: 1, ...message } as ClientMessage));
    return true;
  }

  /** Drops the current socket as a network failure would (it then reconnects). For tests. */
  drop(): void {
    this.#socket?.close(4000, "dropped");
  }

  /** Closes for good. */
  close(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#ping);
    this.#socket?.close(1000, "bye");
    this.#socket = null;
    this.state.set("closed");
  }

  #open(): void {
    if (this.#stopped) return;
    this.state.set(this.#everOpened ? "reconnecting" : "connecting");
    let socket: WebSocket;
    try {
      socket = this.#opts.openSocket(this.#opts.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      const parsed = parseServerMessage(event.data);
      if (!parsed.ok) return; // Refuse anything that is not exactly a known frame.
      if (parsed.message.type === "welcome") this.#onWelcome();
      this.#opts.onMessage(parsed.message);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      clearInterval(this.#ping);
      this.#scheduleReconnect();
    };
    socket.onerror = () => {/* onclose follows */};
  }

  #onWelcome(): void {
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    this.#attempts = 0;
    this.state.set("open");
    if (reconnected) this.reconnects.update((n) => n + 1);
    for (const roomId of this.#rooms) this.send({ type: "join", roomId });
    clearInterval(this.#ping);
    this.#ping = setInterval(() => this.send({ type: "ping" }), PING_INTERVAL_MS);
    this.#opts.onOpen?.(reconnected);
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    if (this.#attempts >= this.#opts.maxAttempts) {
      this.state.set("closed");
      return;
    }
    this.state.set(this.#everOpened ? "reconnecting" : "connecting");
    const exp = Math.min(this.#opts.maxDelayMs, this.#opts.baseDelayMs * 2 ** this.#attempts);
    this.#attempts++;
    const delay = exp / 2 + Math.random() * exp / 2;
    const attempt = this.#attempts;
    this.#timer = setTimeout(async () => {
      if (attempt >= 2 && this.#opts.beforeReconnect) {
        await this.#opts.beforeReconnect().catch(() => {});
      }
      this.#open();
    }, delay);
  }
}
