/**
 * `/room/:roomId`: the room as read from the chain, and the Room island.
 * @module
 */
import type { Hex } from "viem";
import { isRoomId } from "../../core/ids.ts";
import type { RoomInfo } from "../../chain/room.ts";
import { ErrorPanel } from "../../components/ErrorPanel.tsx";
import { RoomDetails } from "../../components/RoomDetails.tsx";
import Room from "../../islands/Room.tsx";
import type { PublicConfig } from "../../shared/public_config.ts";
import { type RoomInfoProps, roomToProps } from "../../shared/room_props.ts";
import { ReadBudgetError } from "../../server/read_budget.ts";
import type { RouteContext } from "../../server/web/route.ts";

/** GET `/room/:roomId`: 200, or 400 (malformed id), 404 (no such room), 429 (this IP's chain
 * read budget is spent), 503 (chain down). */
export async function handler(ctx: RouteContext): Promise<Response> {
  const raw = ctx.params.roomId ?? "";
  const { chainName } = ctx.deps.publicConfig;
  if (!isRoomId(raw)) {
    return ctx.render(
      <ErrorPanel status={400} title="That is not a room id">
        A room id is <code class="font-mono text-slate-300">0x</code>{" "}
        followed by 64 hexadecimal digits. Check the link you were given.
      </ErrorPanel>,
      { status: 400, title: "Bad room id" },
    );
  }
  const roomId = raw.toLowerCase() as Hex;
  let room: RoomInfo | null;
  try {
    // Signed out or in, the page's read is paid from this IP's budget.
    room = await ctx.deps.getRoom(roomId, { key: "", ip: ctx.ip });
  } catch (err) {
    if (err instanceof ReadBudgetError) {
      return ctx.render(
        <ErrorPanel status={429} title="Too many room lookups">
          This address has looked up many rooms in a short time. Wait a minute and reload.
        </ErrorPanel>,
        { status: 429, title: "Too many lookups" },
      );
    }
    console.warn(`web: cannot read room from the chain: ${(err as Error)?.message ?? err}`);
    return ctx.render(
      <ErrorPanel status={503} title="The chain cannot be reached">
        Mesh3 reads rooms from {chainName}{" "}
        and cannot reach it right now. Nothing was lost; try again in a moment.
      </ErrorPanel>,
      { status: 503, title: "Chain unreachable" },
    );
  }
  if (room === null) {
    return ctx.render(
      <ErrorPanel status={404} title="No such room">
        There is no room with this id on{" "}
        {chainName}. The link may be mistyped, or the room may live on another chain.
      </ErrorPanel>,
      { status: 404, title: "No such room" },
    );
  }
  return ctx.render(
    <RoomPage
      config={ctx.deps.publicConfig}
      room={roomToProps({ ...room, roomId })}
      now={nowSeconds()}
    />,
    { title: `Room ${roomId.slice(0, 10)}…` },
  );
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Props of {@linkcode RoomPage}. */
export interface RoomPageProps {
  config: PublicConfig;
  room: RoomInfoProps;
  now: number;
}

/** The room page. */
export default function RoomPage(props: RoomPageProps) {
  return (
    <div class="flex flex-col gap-6">
      <a
        href="/"
        class="inline-flex min-h-11 items-center text-sm text-slate-400 hover:text-slate-300"
      >
        ← Mesh3 home
      </a>
      {
        /* On phones the room's details follow the join card and the chat, so the conversation
          is not a screen away; they hold no control, so focus order is unchanged. */
      }
      <div class="order-last sm:order-none">
        <RoomDetails room={props.room} now={props.now} chainName={props.config.chainName} />
      </div>
      <Room config={props.config} roomId={props.room.roomId} room={props.room} />
    </div>
  );
}
