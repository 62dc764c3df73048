/**
 * Browser-side harness for peer_link_test.ts: the real client modules (wallet, registry, peer
 * link, secure channel) driven from the test, with signaling replaced by a relay in the test
 * process (which can also play a hostile server).
 * @module
 */
import type { Address, Hex } from "viem";
import { computeCommitment, generateEcdhKeyPair, parseFingerprint } from "../../../app/core/mod.ts";
import type { IceCandidate } from "../../../app/core/wire.ts";
import { type IncomingText, PeerLink } from "../../../app/client/peer_link.ts";
import { commitKey, createRoom } from "../../../app/client/registry.ts";
import { WalletStore } from "../../../app/client/wallet.ts";
import type { PublicConfig } from "../../../app/shared/public_config.ts";

declare global {
  // The test process relays signaling (exposeBinding).
  var relay: (message: unknown) => Promise<void>;
}

let wallet: WalletStore;
let link: PeerLink | null = null;
let prepared: Omit<ConstructorParameters<typeof PeerLink>[0], "peer"> | null = null;
const received: IncomingText[] = [];
const delivered: string[] = [];

const harness = {
  async connect(config: PublicConfig): Promise<Address> {
    wallet = new WalletStore(config);
    wallet.start();
    for (let i = 0; i < 50 && wallet.wallets.value.length === 0; i++) await sleep(20);
    await wallet.connect(wallet.wallets.value[0]);
    if (!wallet.connection.value) throw new Error(wallet.error.value ?? "not connected");
    return wallet.connection.value.address;
  },
  async createRoom(): Promise<Hex> {
    return await createRoom(wallet.connection.value!, wallet.config.registry, {}, () => {});
  },
  async prepare(
    roomId: Hex,
    iceTransportPolicy: RTCIceTransportPolicy,
    iceServers: RTCIceServer[],
  ) {
    const conn = wallet.connection.value!;
    const keyPair = await generateEcdhKeyPair();
    const certificate = await RTCPeerConnection.generateCertificate({
      name: "ECDSA",
      namedCurve: "P-256",
    } as EcKeyGenParams);
    const fp = certificate.getFingerprints().find((f) => f.algorithm === "sha-256")!.value!;
    const fingerprint = parseFingerprint(fp);
    const commitment = computeCommitment({
      chainId: wallet.config.chainId,
      registry: wallet.config.registry,
      roomId,
      publicKey: keyPair.publicKey,
      fingerprint,
    });
    await commitKey(conn, wallet.config.registry, roomId, commitment, [], () => {});
    prepared = {
      self: conn.address,
      roomId,
      chainId: wallet.config.chainId,
      registry: wallet.config.registry,
      keyPair,
      certificate,
      fingerprint,
      ice: { iceServers, iceTransportPolicy },
      publicClient: conn.publicClient,
      signal: (m) => {
        void globalThis.relay(m);
        return true;
      },
      onText: (m) => received.push(m),
      onDelivered: (id) => delivered.push(id),
    };
  },
  async startLink(peer: Address): Promise<void> {
    link = new PeerLink({ ...prepared!, peer });
    await link.start();
  },
  async deliver(
    m: { type: string; publicKey?: string; sdp?: string; candidate?: IceCandidate | null },
  ) {
    if (!link) return;
    if (m.type === "offer" || m.type === "answer") {
      await link.handleDescription(m.type, m.publicKey!, m.sdp!);
    } else if (m.type === "ice") {
      await link.handleIce(m.candidate ?? null);
    }
  },
  async send(id: string, text: string): Promise<boolean> {
    return await link!.send(id, text);
  },
  status() {
    return {
      state: link?.state.value ?? null,
      path: link?.path.value ?? null,
      safetyNumber: link?.safetyNumber.value ?? null,
      problem: link?.problem.value ?? null,
      reconnecting: link?.reconnecting.value ?? false,
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
