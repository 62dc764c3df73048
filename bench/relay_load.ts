/**
 * The signaling load generator: opens sockets to one of three servers (Mesh3's `/ws`, the bare
 * Deno relay, the PeerJS server), pairs them two per room, runs the handshake phase (one offer
 * and one answer per pair; on Mesh3 each is checked against the sender's on-chain commitment)
 * and then the ICE phase (each socket keeps `window` candidates in flight to its partner, closed
 * loop, for a fixed time after a 1 s warm-up that is not counted). Latency is send → receive at the partner, both in this process; every
 * server keeps per-sender order, so each direction is a FIFO of send times.
 * @module
 */
import type { Address, Hex } from "viem";
import { readCpuSeconds, sleep } from "./process.ts";
import { summarize, type Summary } from "./stats.ts";

/** One socket's identity on the server under test. */
export interface Endpoint {
  /** Mesh3: address; bare/PeerJS: id. */
  id: string;
  /** Mesh3 only. */
  cookie?: string;
  /** Mesh3 only: the room it joins and the keys its commitment was made from. */
  roomId?: Hex;
  publicKey?: string;
  kemKey?: string;
  sdp?: string;
}

/** Which server protocol to speak. */
export type Kind = "mesh3" | "bare" | "peerjs";

/** What the phases measured. */
export interface LoadResult {
  sockets: number;
  connectMs: number;
  handshake: { messages: number; perSecond: number; latency: Summary; errors: number };
  ice: {
    messages: number;
    perSecond: number;
    latency: Summary;
    errors: number;
    /** Server CPU seconds per wall second during the ICE phase (1 = one core busy). */
    serverCpu: number | null;
    /** This (client) process's CPU seconds per wall second during the ICE phase. */
    clientCpu: number;
    /** Server CPU microseconds per relayed message. */
    serverCpuUsPerMessage: number | null;
  };
}

const WARMUP_MS = 1000;

const CANDIDATE = {
  candidate:
    "candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 7Lq2 network-cost 999",
  sdpMid: "0",
  sdpMLineIndex: 0,
};

/** A connected socket. */
export interface Sock {
  ws: WebSocket;
  ep: Endpoint;
  partner?: Sock;
  /** Send times (performance.now) of messages in flight to the partner. */
  inflight: number[];
  onFrame?: (type: string) => void;
}

/** Encodes a frame for `kind`. */
function encode(kind: Kind, type: "offer" | "answer" | "ice", from: Sock, to: Sock): string {
  const e = from.ep;
  if (kind === "mesh3") {
    return JSON.stringify(
      type === "ice" ? { v: 1, type, to: to.ep.id, roomId: e.roomId, candidate: CANDIDATE } : {
        v: 1,
        type,
        to: to.ep.id,
        roomId: e.roomId,
        publicKey: e.publicKey,
        kemKey: e.kemKey,
        sdp: e.sdp,
      },
    );
  }
  const payload = type === "ice"
    ? { candidate: CANDIDATE, type: "data", connectionId: "dc_bench" }
    : { sdp: { type, sdp: e.sdp }, type: "data", connectionId: "dc_bench" };
  if (kind === "peerjs") {
    return JSON.stringify({
      type: type === "ice" ? "CANDIDATE" : type.toUpperCase(),
      dst: to.ep.id,
      payload,
    });
  }
  return JSON.stringify({ to: to.ep.id, from: e.id, type, payload });
}

/** Normalised type of an incoming frame. */
function decode(data: string): string {
  const t = (JSON.parse(data) as { type: string }).type;
  return t === "CANDIDATE" ? "ice" : t.toLowerCase();
}

/**
 * Opens one socket and waits for the server's greeting (and, on Mesh3, for `joined`).
 *
 * @param kind Server protocol.
 * @param base `ws://127.0.0.1:<port>`.
 * @param ep Identity.
 * @param origin Mesh3's allowed Origin.
 */
export function openSocket(kind: Kind, base: string, ep: Endpoint, origin = ""): Promise<Sock> {
  const url = kind === "mesh3"
    ? `${base}/ws`
    : kind === "peerjs"
    ? `${base}/peerjs?key=peerjs&id=${ep.id}&token=t${ep.id}`
    : `${base}/ws?id=${ep.id}`;
  const ws = kind === "mesh3"
    ? new WebSocket(url, { headers: { cookie: ep.cookie!, origin } } as unknown as string[])
    : new WebSocket(url);
  const sock: Sock = { ws, ep, inflight: [] };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Cannot open a ${kind} socket in 30 s`)),
      30_000,
    );
    const done = () => {
      clearTimeout(timer);
      ws.onmessage = (e) => sock.onFrame?.(decode(e.data));
      resolve(sock);
    };
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`Cannot open a ${kind} socket: connection failed`));
    };
    if (kind === "bare") {
      ws.onopen = done;
      return;
    }
    ws.onmessage = (e) => {
      const type = decode(e.data);
      if (kind === "peerjs" && type === "open") return done();
      if (kind === "mesh3" && type === "welcome") {
        return ws.send(JSON.stringify({ v: 1, type: "join", roomId: ep.roomId }));
      }
      if (kind === "mesh3" && type === "joined") return done();
      if (type === "error" || type === "id-taken") {
        clearTimeout(timer);
        reject(new Error(`Cannot open a ${kind} socket: ${e.data.slice(0, 200)}`));
      }
    };
  });
}

/** Opens sockets with at most `parallel` handshakes at a time. */
export async function openAll(
  kind: Kind,
  base: string,
  eps: Endpoint[],
  origin = "",
  parallel = 64,
): Promise<Sock[]> {
  const out: Sock[] = new Array(eps.length);
  let next = 0;
  const worker = async () => {
    while (next < eps.length) {
      const i = next++;
      out[i] = await openSocket(kind, base, eps[i], origin);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, eps.length) }, worker));
  return out;
}

/** Closes sockets and waits (bounded) until they are closed. */
export async function closeAll(socks: Sock[]): Promise<void> {
  const closed = socks.map((s) =>
    new Promise<void>((r) => {
      if (s.ws.readyState === WebSocket.CLOSED) return r();
      s.ws.onclose = () => r();
      s.ws.close();
    })
  );
  await Promise.race([Promise.all(closed), sleep(10_000)]);
}

/**
 * Runs the handshake and ICE phases on paired sockets (0-1, 2-3, ...).
 *
 * @param kind Server protocol.
 * @param socks Connected sockets, an even number; on Mesh3 pair i shares a room.
 * @param o ICE phase duration and in-flight window per direction.
 */
export async function runPhases(
  kind: Kind,
  socks: Sock[],
  o: { iceMs: number; window: number; serverPid?: number },
): Promise<Omit<LoadResult, "sockets" | "connectMs">> {
  for (let i = 0; i + 1 < socks.length; i += 2) {
    socks[i].partner = socks[i + 1];
    socks[i + 1].partner = socks[i];
  }
  let errors = 0;
  let latencies: number[] = [];
  let phase: "handshake" | "ice" | "drain" = "handshake";
  let answered = 0;
  let iceCount = 0;
  let allAnswered: () => void = () => {};
  const answeredAll = new Promise<void>((r) => allAnswered = r);
  const pairs = socks.length / 2;
  const send = (s: Sock, type: "offer" | "answer" | "ice") => {
    s.inflight.push(performance.now());
    s.ws.send(encode(kind, type, s, s.partner!));
  };
  for (const s of socks) {
    s.onFrame = (type) => {
      const from = s.partner!;
      if (type === "error") return void errors++;
      if (type !== "offer" && type !== "answer" && type !== "ice") return;
      const sent = from.inflight.shift();
      if (sent !== undefined) latencies.push(performance.now() - sent);
      if (type === "offer") return send(s, "answer");
      if (type === "answer") {
        if (++answered === pairs) allAnswered();
        return;
      }
      iceCount++;
      if (phase === "ice") send(from, "ice");
    };
  }

  const t0 = performance.now();
  for (let i = 0; i < socks.length; i += 2) send(socks[i], "offer");
  await Promise.race([answeredAll, sleep(60_000)]);
  const handshakeMs = performance.now() - t0;
  const handshake = {
    messages: latencies.length,
    perSecond: latencies.length / (handshakeMs / 1000),
    latency: summarize(latencies),
    errors,
  };

  phase = "ice";
  for (const s of socks) for (let w = 0; w < o.window; w++) send(s, "ice");
  // The first moments (every socket sending at once) are a start-up transient: not counted.
  await sleep(WARMUP_MS);
  errors = 0;
  latencies = [];
  const before = iceCount;
  const cpu = () =>
    Promise.all([o.serverPid ? readCpuSeconds(o.serverPid) : NaN, readCpuSeconds("self")]);
  const [s0, c0] = await cpu();
  const t1 = performance.now();
  await sleep(o.iceMs);
  const [s1, c1] = await cpu();
  phase = "drain";
  const iceMs = performance.now() - t1;
  const count = iceCount - before;
  const lat = summarize(latencies);
  const wall = iceMs / 1000;
  const serverCpu = Number.isFinite(s1 - s0) ? (s1 - s0) / wall : null;
  // Let the in-flight messages land (bounded) so the next run starts clean.
  for (let i = 0; i < 100 && socks.some((s) => s.inflight.length > 0); i++) await sleep(50);
  return {
    handshake,
    ice: {
      messages: count,
      perSecond: count / wall,
      latency: lat,
      errors,
      serverCpu,
      clientCpu: (c1 - c0) / wall,
      serverCpuUsPerMessage: serverCpu === null ? null : ((s1 - s0) * 1e6) / count,
    },
  };
}

/**
 * Open-loop probe: `pairs` pairs, each direction sending `ratePerSecond` ICE messages, for `ms`.
 * Used by the capacity search (relay p99 while many idle sockets are held).
 */
export async function probe(
  kind: Kind,
  socks: Sock[],
  o: { ms: number; ratePerSecond: number; serverPid?: number },
): Promise<ProbeResult> {
  let errors = 0;
  const latencies: number[] = [];
  for (let i = 0; i + 1 < socks.length; i += 2) {
    socks[i].partner = socks[i + 1];
    socks[i + 1].partner = socks[i];
  }
  for (const s of socks) {
    s.inflight = [];
    s.onFrame = (type) => {
      if (type === "error") return void errors++;
      if (type !== "ice") return;
      const sent = s.partner!.inflight.shift();
      if (sent !== undefined) latencies.push(performance.now() - sent);
    };
  }
  const s0 = o.serverPid ? await readCpuSeconds(o.serverPid) : NaN;
  const t0 = performance.now();
  const tickMs = 50;
  const perTick = o.ratePerSecond * tickMs / 1000;
  let owed = 0;
  const end = performance.now() + o.ms;
  for (let i = 0; i < 10_000 && performance.now() < end; i++) {
    owed += perTick;
    for (; owed >= 1; owed--) {
      for (const s of socks) {
        s.inflight.push(performance.now());
        s.ws.send(encode(kind, "ice", s, s.partner!));
      }
    }
    await sleep(tickMs);
  }
  for (let i = 0; i < 100 && socks.some((s) => s.inflight.length > 0); i++) await sleep(50);
  const s1 = o.serverPid ? await readCpuSeconds(o.serverPid) : NaN;
  const cpu = (s1 - s0) / ((performance.now() - t0) / 1000);
  return {
    messages: latencies.length,
    latency: summarize(latencies),
    errors,
    serverCpu: Number.isFinite(cpu) ? cpu : null,
  };
}

/** What one probe measured. */
export interface ProbeResult {
  messages: number;
  latency: Summary;
  errors: number;
  /** Server CPU seconds per wall second during the probe. */
  serverCpu: number | null;
}

/** Addresses used as Mesh3 endpoint ids must be the checksummed account addresses. */
export type MeshAddress = Address;
