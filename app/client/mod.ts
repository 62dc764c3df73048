/**
 * The browser engine of Mesh3, between the UI and the pure core (app/core) and chain layer
 * (app/chain): wallets (EIP-1193 / EIP-6963), Sign-In with Ethereum, transactions on the
 * RoomRegistry, the signaling socket, verified WebRTC links with end-to-end encrypted chat, and
 * the room session that runs the join sequence. It knows no UI framework: it takes its I/O in
 * ({@linkcode EngineIO}; {@linkcode browserIO} in a page) and reports state in
 * {@linkcode Store}s and events (islands adapt them to signals).
 *
 * ```ts ignore
 * const wallet = new WalletStore(config);
 * wallet.start();                                   // discover wallets, restore the last one
 * await wallet.connect(wallet.state.value.wallets[0]);
 * const session = new RoomSession({ config, roomId, wallet: wallet.connection!, io: browserIO() });
 * const chat = new ChatLog(session);
 * await session.start();                            // room → keys → commit → sign in → socket
 * // (with `keep`, a return takes back the keys kept on this device: no commit)
 * await chat.send("hello");
 * ```
 * @module
 */
export {
  Attention,
  type AttentionEnv,
  type AttentionPrefs,
  browserAttentionEnv,
  NOTIFICATION_BODY_PRIVATE,
  NOTIFICATION_TITLE,
} from "./attention.ts";
export { type ChatEntry, ChatLog, MAX_ENTRIES } from "./chat_log.ts";
export { devAccountKeys } from "./dev_accounts.ts";
export { discoverWallets, type Eip1193Provider, type WalletOption } from "./eip6963.ts";
export { Emitter } from "./emitter.ts";
export {
  addressOf,
  cachedEnsProfile,
  EnsNameError,
  type EnsProfile,
  ensProfile,
  type EnsSource,
  ensSource,
} from "./ens_names.ts";
export { fetchIceConfig, type IceConfig, iceExpiry, iceSource } from "./ice.ts";
export { browserIO, type EngineIO, type RtcIO, signalingUrl } from "./io.ts";
export { type AttachedLink, type LinkExtension } from "./link_extension.ts";
export { type LinkMedia } from "./link_media.ts";
export { indexedDbKeeper } from "./indexed_db_keeper.ts";
export {
  DEFAULT_KEEP_HOURS,
  KEEP_HOURS,
  keepHours,
  keptKeysNotice,
  setKeepHours,
} from "./keep_choice.ts";
export {
  keepKeys,
  type KeptKeys,
  keptKeysId,
  type KeyKeeper,
  type NotRestored,
  restoreKeys,
} from "./key_keeper.ts";
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
export { type Notice, serverNotice } from "./notices.ts";
export {
  type IncomingText,
  type LinkProblem,
  type LinkSession,
  type LinkState,
  PeerLink,
  type PeerStatus,
} from "./peer_link.ts";
export { checkRoom, RoomCheckError, type RoomCheckRefusal } from "./room_check.ts";
export {
  newMessageId,
  RoomSession,
  type RoomSessionOptions,
  type SendResult,
  type SessionEvents,
  type SessionState,
  type SessionStep,
} from "./room_session.ts";
export { type PathKind, remoteCertificateFingerprint, selectedPath } from "./rtc_stats.ts";
export { makeSessionKeys, type SessionKeys, SessionKeysError } from "./session_keys.ts";
export { SignalingClient, type SignalingState } from "./signaling.ts";
export { signIn } from "./siwe.ts";
export { type ReadableStore, Store } from "./store.ts";
export {
  closeRoom,
  commitKey,
  createRoom,
  decodeFailure,
  TxFailedError,
  type TxState,
} from "./transactions.ts";
export { PeerVerificationError, verifyPeerDescription } from "./verify_peer.ts";
export {
  type WalletConnection,
  walletErrorMessage,
  type WalletState,
  WalletStore,
} from "./wallet.ts";
export * from "./files/mod.ts";
export * from "./calls/mod.ts";
