/**
 * The browser-side transport of Mesh3, between the islands and the pure core (app/core):
 * wallets (EIP-1193 / EIP-6963), Sign-In with Ethereum, the RoomRegistry, the signaling socket,
 * and verified WebRTC sessions with end-to-end encrypted chat. Browser-only; no Deno APIs.
 *
 * ```ts
 * const wallet = new WalletStore(config);
 * wallet.start();                                   // discover wallets, restore the last one
 * await wallet.connect(wallet.wallets.value[0]);    // or wallet.connectDev(1) on the local chain
 * const session = new RoomSession(config, roomId, wallet.connection.value!);
 * await session.start();                            // keys → commitKey → sign in → socket → peers
 * await session.send("hello");
 * ```
 * @module
 */
export { chainFromConfig } from "./chain.ts";
export { devAccountKeys } from "./dev_accounts.ts";
export { discoverWallets, type Eip1193Provider, type WalletOption } from "./eip6963.ts";
export { fetchIceConfig, type IceConfig, iceExpiry, iceSource } from "./ice.ts";
export { parseRoomInput, roomLink } from "./links.ts";
export {
  type MemberList,
  memberList,
  MemberListError,
  memberListFromHash,
  memberListJson,
  memberProof,
  membersFragment,
  parseMemberList,
} from "./members.ts";
export { type IncomingText, type LinkProblem, type LinkState, PeerLink } from "./peer_link.ts";
export {
  ChainUnreachableError,
  closeRoom,
  commitKey,
  createRoom,
  decodeFailure,
  readChainCommitment,
  readChainRoom,
  roomIdOf,
  TxFailedError,
  type TxState,
} from "./registry.ts";
export { type Banner, type ChatEntry, RoomSession, type SessionStep } from "./room_session.ts";
export { type PathKind, remoteCertificateFingerprint, selectedPath } from "./rtc_stats.ts";
export { SignalingClient, type SignalingState, signalingUrl } from "./signaling.ts";
export { signIn, SignInError } from "./siwe.ts";
export { PeerVerificationError, verifyPeerDescription } from "./verify_peer.ts";
export { type WalletConnection, walletErrorMessage, WalletStore } from "./wallet.ts";
