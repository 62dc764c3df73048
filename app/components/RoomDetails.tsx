/**
 * The server-rendered facts of a room, read from the chain: creator, access, expiry, state.
 * @module
 */
import { roomStatus } from "../chain/room.ts";
import { roomFromProps, type RoomInfoProps } from "../shared/room_props.ts";
import { Badge } from "./Badge.tsx";

/** Props of {@linkcode RoomDetails}. */
export interface RoomDetailsProps {
  room: RoomInfoProps;
  /** Current unix time in seconds (passed in so the page is deterministic in tests). */
  now: number;
  /** Chain name, for the caption. */
  chainName: string;
}

/** "2026-12-01 18:30 UTC" for unix seconds. */
export function formatUtc(seconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Title, status badges and a definition list of the room.
 *
 * @example
 * ```tsx
 * import { RoomDetails } from "./RoomDetails.tsx";
 * // <RoomDetails room={room} now={Math.floor(Date.now() / 1000)} chainName="Sepolia" />
 * ```
 */
export function RoomDetails({ room, now, chainName }: RoomDetailsProps) {
  const expired = roomStatus(roomFromProps(room), now) === "expired";
  const expiry = room.expiresAt === "0"
    ? "Never"
    : `${formatUtc(Number(room.expiresAt))}${expired ? " (passed)" : ""}`;
  return (
    <section
      class="rounded-2xl border border-slate-800 bg-slate-900/60 p-6"
      data-testid="room-details"
    >
      <div class="flex flex-wrap items-center gap-2">
        <h1 class="mr-2 text-2xl font-semibold tracking-tight text-slate-100">Room</h1>
        {room.closed
          ? <Badge tone="bad">Closed</Badge>
          : expired
          ? <Badge tone="warn">Expired</Badge>
          : <Badge tone="good">Active</Badge>}
        {room.membersOnly
          ? <Badge tone="info">Members only</Badge>
          : <Badge tone="muted">Open</Badge>}
      </div>
      <p class="mt-3 break-all font-mono text-sm text-slate-400" data-testid="room-id">
        {room.roomId}
      </p>
      <dl class="mt-6 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[8rem_1fr] sm:gap-y-4">
        <dt class="text-slate-400">Creator</dt>
        <dd class="mb-3 break-all font-mono text-slate-200 sm:mb-0">{room.creator}</dd>
        <dt class="text-slate-400">Access</dt>
        <dd class="mb-3 text-slate-200 sm:mb-0">
          {room.membersOnly
            ? "Members only: wallets on the creator's list can join."
            : "Open: any wallet with the link can join."}
        </dd>
        <dt class="text-slate-400">Expires</dt>
        <dd class="mb-3 text-slate-200 sm:mb-0">{expiry}</dd>
        <dt class="text-slate-400">State</dt>
        <dd class="mb-3 text-slate-200 sm:mb-0">
          {room.closed
            ? "Closed by its creator. No one can join."
            : expired
            ? "Expired. No new keys can be committed."
            : "Open for members to join."}
        </dd>
      </dl>
      <p class="mt-6 text-xs text-slate-400">Read from the RoomRegistry on {chainName}.</p>
    </section>
  );
}
