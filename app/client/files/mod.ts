/**
 * File transfer in rooms (issue 12): end-to-end encrypted on the verified link's own file channel,
 * with progress, resume and flat memory. `FileTransfers` is the engine; islands read its `items`
 * and `peers` stores. docs/CLIENT.md ("Files") and docs/CRYPTO.md (section 7a) say exactly how.
 *
 * ```ts ignore
 * const files = new FileTransfers({ self, maxBytes, storage: browserFileStorage() });
 * const session = new RoomSession({ config, roomId, wallet, io, extensions: [files.extension] });
 * files.send([file]);
 * ```
 * @module
 */
export { browserFileStorage, INCOMING_FOLDER } from "./browser_storage.ts";
export { chunkSizeFor, HIGH_WATER, LOW_WATER, WINDOW_BYTES } from "./file_link.ts";
export { displayName, isPreviewable, MAX_PREVIEW_BYTES, saveName } from "./file_names.ts";
export {
  type FileSink,
  type FileStorage,
  MEMORY_STORAGE_MAX_BYTES,
  memoryFileStorage,
  type SinkKind,
} from "./file_storage.ts";
export { FileTransfers, type FileTransfersOptions } from "./file_transfers.ts";
export { formatBytes, formatDuration } from "./format.ts";
export { hashFile } from "./file_hash.ts";
export {
  chunkCount,
  type FileItem,
  isFinished,
  type PeerTransfer,
  type TransferState,
} from "./transfer_types.ts";
