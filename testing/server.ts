/**
 * Helpers for the server's integration tests (not shipped): start the real server on a free
 * loopback port against a real test chain, sign in with real viem local-account signatures, make
 * rooms and commitments on-chain, and drive real WebSocket clients.
 * @module
 */
import { type Address, type Hex, type PrivateKeyAccount, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import type { TestChain } from "./chain.ts";
import { loadConfig } from "../app/server/config/mod.ts";
import { roomRegistryAbi } from "../app/chain/registry_abi.ts";
import { roomIdOf } from "../app/chain/room.ts";
import { computeCommitment } from "../app/core/commitment.ts";
import { bytesToHex, encodeBase64Url } from "../app/core/bytes.ts";
import { parseServerMessage, type ServerMessage } from "../app/core/wire.ts";
import { createServer, type Mesh3Server } from "../app/server/app.ts";
import { serve } from "../app/server/serve.ts";
import { testSdp } from "./sdp.ts";

/** The public origin the test servers are configured with. */
export const ORIGIN = "http://mesh3.test";

/** Chain read budgets raised out of the way, for tests and benchmarks that measure something
 * else with many sockets from 127.0.0.1 (each room or commitment the server has not cached costs
 * a read from the socket's address and IP budgets). */
export const UNLIMITED_READS: Readonly<Record<string, string>> = {
  MESH3_CHAIN_READS_PER_SECOND_PER_ADDRESS: "1000000",
  MESH3_CHAIN_READ_BURST_PER_ADDRESS: "1000000",
  MESH3_CHAIN_READS_PER_SECOND_PER_IP: "1000000",
  MESH3_CHAIN_READ_BURST_PER_IP: "1000000",
};

/** A running server. */
export interface RunningServer {
  base: string;
  wsUrl: string;
  server: Mesh3Server;
  stop(): Promise<void>;
}

/** Starts the real server on 127.0.0.1:0 against `chain`, with extra `MESH3_*` variables. */
export async function startServer(
  chain: TestChain,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const config = loadConfig({
    MESH3_PORT: "0",
    MESH3_RPC_URL: chain.rpcUrl,
    MESH3_CHAIN_ID: String(chain.chainId),
    MESH3_REGISTRY: chain.registry,
    MESH3_PUBLIC_ORIGIN: ORIGIN,
    MESH3_CHAIN_POLL_MS: "100",
    MESH3_CHAIN_TIMEOUT_MS: "1000",
    ...env,
  });
  const server = await createServer(config);
  const http = await serve({ hostname: "127.0.0.1", port: 0 }, server);
  const base = `http://127.0.0.1:${http.addr.port}`;
  return {
    base,
    wsUrl: `ws://127.0.0.1:${http.addr.port}/ws`,
    server,
    stop: async () => {
      await server.close();
      await http.shutdown();
    },
  };
}

/** Fields of the SIWE message a test may change. */
export type SiweOverrides = Partial<Parameters<typeof createSiweMessage>[0]>;

/** Builds and signs a SIWE message for `account` with a fresh server nonce. */
export async function signedMessage(
  base: string,
  account: PrivateKeyAccount,
  chainId: number,
  overrides: SiweOverrides = {},
  headers: Record<string, string> = {},
): Promise<{ message: string; signature: Hex }> {
  const { nonce } = await (await fetch(`${base}/api/auth/nonce`, { headers })).json();
  const message = createSiweMessage({
    domain: new URL(ORIGIN).host,
    uri: ORIGIN,
    address: account.address,
    chainId,
    nonce,
    version: "1",
    issuedAt: new Date(),
    ...overrides,
  });
  return { message, signature: await account.signMessage({ message }) };
}

/** POSTs to /api/auth/verify; returns status, body and the session cookie if set. */
export async function verify(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, string>; cookie?: string }> {
  const res = await fetch(`${base}/api/auth/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: ORIGIN, ...headers },
    body: JSON.stringify(body),
  });
  const setCookie = res.headers.get("set-cookie") ?? "";
  const m = /mesh3_session=([^;]+)/.exec(setCookie);
  return {
    status: res.status,
    body: await res.json(),
    cookie: m ? `mesh3_session=${m[1]}` : undefined,
  };
}

/** Signs in development account `index` (or any key); returns its account and session cookie.
 * `headers` go with each request (e.g. `X-Forwarded-For` behind `MESH3_TRUST_PROXY=1`). */
export async function signIn(
  base: string,
  chain: TestChain,
  index: number | Hex,
  headers: Record<string, string> = {},
): Promise<{ account: PrivateKeyAccount; cookie: string }> {
  const account = privateKeyToAccount(typeof index === "number" ? chain.accounts[index] : index);
  const r = await verify(
    base,
    await signedMessage(base, account, chain.chainId, {}, headers),
    headers,
  );
  if (r.status !== 200 || !r.cookie) throw new Error(`Cannot sign in test account: ${r.status}`);
  return { account, cookie: r.cookie };
}

/** Creates a room from account `index`; returns its id. */
export async function createRoom(
  chain: TestChain,
  index: number,
  o: { membersRoot?: Hex; expiresAt?: bigint } = {},
): Promise<Hex> {
  const wallet = chain.walletClient(index);
  const salt = toHex(crypto.getRandomValues(new Uint8Array(32)));
  const hash = await wallet.writeContract({
    address: chain.registry,
    abi: roomRegistryAbi,
    functionName: "createRoom",
    args: [salt, o.membersRoot ?? `0x${"00".repeat(32)}`, o.expiresAt ?? 0n],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
  return roomIdOf(wallet.account.address, salt);
}

/** Closes a room from its creator `index`. */
export async function closeRoom(chain: TestChain, index: number, roomId: Hex): Promise<void> {
  const hash = await chain.walletClient(index).writeContract({
    address: chain.registry,
    abi: roomRegistryAbi,
    functionName: "closeRoom",
    args: [roomId],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
}

/**
 * Session keys as the browser would make them: an ECDH public key, an ML-KEM-768 key and an SDP
 * carrying a fingerprint (random bytes: the server only hashes them).
 */
export interface TestKeys {
  /** The raw public key, base64url as on the wire. */
  publicKey: string;
  /** The ML-KEM-768 encapsulation key (1184 bytes), base64url as on the wire. */
  kemKey: string;
  /** The DTLS fingerprint's 32 bytes, hex. */
  fingerprint: Hex;
  sdp: string;
  /** The full v2 commitment of these keys for `member` (v2 binds the member's address). */
  commitmentOf(member: Address): Hex;
}

/** Makes random session keys for a room; {@linkcode commit} publishes them for an account. */
export function makeKeys(chain: Pick<TestChain, "chainId" | "registry">, roomId: Hex): TestKeys {
  const pub = crypto.getRandomValues(new Uint8Array(32));
  const kem = crypto.getRandomValues(new Uint8Array(1184));
  const fp = crypto.getRandomValues(new Uint8Array(32));
  return {
    publicKey: encodeBase64Url(pub),
    kemKey: encodeBase64Url(kem),
    fingerprint: bytesToHex(fp),
    sdp: testSdp(fp),
    commitmentOf: (member) =>
      computeCommitment({
        chainId: chain.chainId,
        registry: chain.registry,
        roomId,
        member,
        publicKey: pub,
        fingerprint: fp,
        kemKey: kem,
      }),
  };
}

/** Publishes `keys`' commitment for account `index` (with a Merkle proof for members-only rooms). */
export async function commit(
  chain: TestChain,
  index: number,
  roomId: Hex,
  keys: TestKeys,
  proof: Hex[] = [],
): Promise<void> {
  const hash = await chain.walletClient(index).writeContract({
    address: chain.registry,
    abi: roomRegistryAbi,
    functionName: "commitKey",
    args: [roomId, keys.commitmentOf(chain.walletClient(index).account.address), proof],
  });
  await chain.publicClient.waitForTransactionReceipt({ hash });
}

/**
 * Creates a room from account `creator` and publishes fresh keys for each of `members`.
 *
 * @returns The room id and each member's keys, in the order of `members`.
 */
export async function committedRoom(
  chain: TestChain,
  creator: number,
  members: number[],
): Promise<{ roomId: Hex; keys: TestKeys[] }> {
  const roomId = await createRoom(chain, creator);
  return { roomId, keys: await commitEach(chain, roomId, members) };
}

/**
 * Publishes fresh keys for each of `members` in `roomId` (a join needs a commitment).
 *
 * @returns Each member's keys, in the order of `members`.
 */
export async function commitEach(
  chain: TestChain,
  roomId: Hex,
  members: number[],
): Promise<TestKeys[]> {
  const keys: TestKeys[] = [];
  for (const member of members) {
    const k = makeKeys(chain, roomId);
    await commit(chain, member, roomId, k);
    keys.push(k);
  }
  return keys;
}

/** A real WebSocket client that queues parsed server messages. */
export class Client {
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;
  #waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      const r = parseServerMessage(String(e.data));
      if (!r.ok) throw new Error(`server sent an invalid frame: ${r.reason}`);
      this.messages.push(r.message);
      this.#wake();
    };
    ws.onclose = (e) => {
      this.closeCode = e.code;
      this.#wake();
    };
  }

  /** Connects with a cookie, Origin and extra headers; resolves after the `welcome` frame. */
  static async connect(
    wsUrl: string,
    cookie: string,
    origin = ORIGIN,
    headers: Record<string, string> = {},
  ): Promise<Client> {
    // Deno's WebSocket takes extra request headers.
    const ws = new WebSocket(
      wsUrl,
      { headers: { ...headers, cookie, origin } } as unknown as string[],
    );
    const c = new Client(ws);
    await c.next("welcome");
    return c;
  }

  /** Sends a frame (object as JSON, or raw text). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits (at most `ms`) for the next message of `type` (optionally matching), removing it. */
  async next<T extends ServerMessage["type"]>(
    type: T,
    match: (m: ServerMessage & { type: T }) => boolean = () => true,
    ms = 5000,
  ): Promise<ServerMessage & { type: T }> {
    const deadline = Date.now() + ms;
    while (true) {
      const i = this.messages.findIndex((m) => m.type === type && match(m as never));
      if (i >= 0) return this.messages.splice(i, 1)[0] as never;
      if (this.closeCode !== undefined) {
        throw new Error(`socket closed (${this.closeCode}) before ${type}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${ms} ms; queued: ${this.queued()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** What waits in the queue, by type (and an error's code), for a failing test's message. */
  queued(): string {
    const each = this.messages.map((m) => m.type === "error" ? `error ${m.code}` : m.type);
    return each.length === 0 ? "nothing" : each.join(", ");
  }

  /** Waits for an error frame and returns its code. */
  async error(ms = 5000): Promise<string> {
    return (await this.next("error", () => true, ms)).code;
  }

  /** Waits (at most `ms`) for the socket to close; returns the close code. */
  async closed(ms = 5000): Promise<number> {
    const deadline = Date.now() + ms;
    while (this.closeCode === undefined) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`socket still open after ${ms} ms`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.closeCode;
  }

  /** Closes and waits for the close to finish. */
  async close(): Promise<void> {
    if (this.closeCode !== undefined) return;
    this.ws.close();
    await this.closed().catch(() => {});
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}

/** Joins `roomId` and returns the `joined` frame. */
export async function join(c: Client, roomId: Hex): Promise<Address[]> {
  c.send({ v: 1, type: "join", roomId });
  return (await c.next("joined", (m) => m.roomId === roomId.toLowerCase())).peers;
}

/** A signed-in socket of a member with a commitment, joined to its room. */
export interface MemberSocket {
  c: Client;
  cookie: string;
  account: PrivateKeyAccount;
  roomId: Hex;
  /** The `joined` the server answered the join with. */
  joined: Extract<ServerMessage, { type: "joined" }>;
}

/**
 * Signs in development account `index`, publishes its keys in `roomId` (a new room of its own
 * when not given), opens a socket and joins: what `/api/ice` asks of whoever wants TURN
 * credentials.
 */
export async function memberSocket(
  srv: RunningServer,
  chain: TestChain,
  index: number,
  roomId?: Hex,
): Promise<MemberSocket> {
  const room = roomId ?? await createRoom(chain, index);
  await commit(chain, index, room, makeKeys(chain, room));
  const { account, cookie } = await signIn(srv.base, chain, index);
  const c = await Client.connect(srv.wsUrl, cookie);
  c.send({ v: 1, type: "join", roomId: room });
  const joined = await c.next("joined", (m) => m.roomId === room.toLowerCase());
  return { c, cookie, account, roomId: room, joined };
}
