/**
 * Browser-side harness for peer_link_test.ts: the real client modules (wallet, registry, peer
 * link, secure channel) driven from the test, with signaling replaced by a relay in the test
 * process (which can also play a hostile server).
 * @module
 */
import type { Address, Hex } from "viem";
import { registryReader } from "../../../app/chain/registry.ts";
import { groupMessageHash } from "../../../app/core/group.ts";
import type { IceCandidate } from "../../../app/core/wire.ts";
import { browserIO } from "../../../app/client/io.ts";
import { type IncomingText, type LinkSession, PeerLink } from "../../../app/client/peer_link.ts";
import { makeSessionKeys } from "../../../app/client/session_keys.ts";
import { commitKey, createRoom } from "../../../app/client/transactions.ts";
import { WalletStore } from "../../../app/client/wallet.ts";
import type { PublicConfig } from "../../../app/shared/public_config.ts";

declare global {
  // The test process relays signaling (exposeBinding).
  var relay: (message: unknown) => Promise<void>;
}

let wallet: WalletStore;
let link: PeerLink | null = null;
let prepared: LinkSession | null = null;
const io = browserIO();
const received: IncomingText[] = [];
const delivered: string[] = [];
/** The link alone has no room session: a fixed roster hash stands for the pair. */
const ROSTER: Hex = `0x${"00".repeat(32)}`;

const harness = {
  async connect(config: PublicConfig): Promise<Address> {
    wallet = new WalletStore(config);
    wallet.start();
    for (let i = 0; i < 50 && wallet.state.value.wallets.length === 0; i++) await sleep(20);
    await wallet.connect(wallet.state.value.wallets[0]);
    if (!wallet.connection) throw new Error(wallet.state.value.error ?? "not connected");
    return wallet.connection.address;
  },
  async createRoom(): Promise<Hex> {
    return await createRoom(wallet.connection!, wallet.config.registry, {}, () => {});
  },
  async prepare(
    roomId: Hex,
    iceTransportPolicy: RTCIceTransportPolicy,
    iceServers: RTCIceServer[],
  ) {
    const conn = wallet.connection!;
    const { chainId, registry } = wallet.config;
    const keys = await makeSessionKeys(io.rtc, {
      chainId,
      registry,
      roomId,
      member: conn.address,
    });
    await commitKey(conn, registry, roomId, keys.commitment, [], () => {});
    prepared = {
      self: conn.address,
      roomId,
      chainId,
      registry,
      keys,
      ice: { iceServers, iceTransportPolicy },
      freshIce: () => Promise.resolve({ iceServers, iceTransportPolicy }),
      rtc: io.rtc,
      reader: registryReader(conn.publicClient, registry),
      signal: (m) => {
        void globalThis.relay(m);
        return true;
      },
    };
  },
  async startLink(peer: Address): Promise<void> {
    link = new PeerLink(prepared!, peer);
    const l = link;
    // What the room session does (room_group.ts): acknowledge each text with its hash.
    l.events.on("text", async (m) => {
      received.push(m);
      const author = m.from.toLowerCase() as Address;
      const hash = await groupMessageHash({ ...m, author, roomId: prepared!.roomId });
      await l.sendReceipt({ author, id: m.id, roster: m.roster, hash });
    });
    l.events.on("receipt", ({ receipt }) => delivered.push(receipt.id));
    await link.start();
  },
  async deliver(
    m: {
      type: string;
      publicKey?: string;
      kemKey?: string;
      sdp?: string;
      candidate?: IceCandidate | null;
    },
  ) {
    if (!link) return;
    if (m.type === "offer" || m.type === "answer") {
      await link.handleDescription(m.type, {
        publicKey: m.publicKey!,
        kemKey: m.kemKey!,
        sdp: m.sdp!,
      });
    } else if (m.type === "ice") {
      await link.handleIce(m.candidate ?? null);
    }
  },
  async send(id: string, text: string): Promise<boolean> {
    return await link!.send({ id, text, sentAt: Date.now(), roster: ROSTER });
  },
  status() {
    const s = link?.status.value;
    return {
      state: s?.state ?? null,
      path: s?.path ?? null,
      safetyNumber: s?.safetyNumber ?? null,
      problem: s?.problem ?? null,
      reconnecting: s?.reconnecting ?? false,
      iceRestarts: link?.iceRestarts ?? 0,
      received: received.map((m) => m.text),
      delivered: [...delivered],
    };
  },
};

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** The harness API the test calls. */
export type Harness = typeof harness;

(globalThis as unknown as { harness: Harness }).harness = harness;
