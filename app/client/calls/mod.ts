/**
 * Calls in rooms (issue 13): audio and video on each pair's verified link, with verified
 * renegotiation. `Calls` is the engine; islands read its `state` store. docs/CLIENT.md ("Calls").
 *
 * ```ts ignore
 * const calls = new Calls({ devices: navigator.mediaDevices });
 * const session = new RoomSession({ config, roomId, wallet, io, extensions: [calls.extension] });
 * calls.bind(() => session.links);
 * ```
 * @module
 */
export { type CallMessage, CallMessageError, parseCallMessage } from "./call_message.ts";
export { CALL_LIMITS, type CallPeer, type CallPhase, type CallState } from "./call_types.ts";
export { Calls, type CallsOptions } from "./calls.ts";
export { explainMediaError, MediaAccessError, type MediaDevicesIO } from "./local_media.ts";
export { videoBitrateFor } from "./peer_media.ts";
