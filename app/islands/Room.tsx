/**
 * Room island: publish the key commitment, sign in, connect to peers and chat.
 *
 * Stub by [web]; the [client] engineer fills in the session and chat.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { Hex } from "viem";
import type { PublicConfig, RoomInfoProps } from "./types.ts";

/** Props of the Room island. */
export interface RoomProps {
  /** Public chain configuration. */
  config: PublicConfig;
  /** The on-chain room id from the URL. */
  roomId: Hex;
  /** The room as the server read it from the chain. */
  room: RoomInfoProps;
}

/** The interactive part of `/room/:roomId`. */
export default function Room(props: RoomProps) {
  const joined = useSignal(false);
  return (
    <section
      class="rounded-2xl border border-slate-800 bg-slate-900/60 p-6"
      data-testid="room-island"
    >
      <h2 class="text-lg font-semibold text-slate-100">Chat</h2>
      <p class="mt-1 text-sm text-slate-400">
        {props.room.closed
          ? "This room is closed."
          : joined.value
          ? "Joining… (stub)"
          : "Connect your wallet to join this room."}
      </p>
      {!props.room.closed && (
        <button
          type="button"
          class="mt-4 rounded-lg bg-emerald-500 px-4 py-2 text-sm font-medium text-slate-950 hover:bg-emerald-400"
          onClick={() => joined.value = !joined.value}
          data-testid="join"
        >
          {joined.value ? "Leave" : "Join room"}
        </button>
      )}
    </section>
  );
}
