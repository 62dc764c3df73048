/**
 * Room island: connect the wallet, publish the key commitment, sign in, connect to peers with
 * verified keys, and chat end-to-end encrypted. Thin: the work is in app/client/.
 * @module
 */
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import type { Hex } from "viem";
import {
  type MemberList,
  memberListFromHash,
  roomLink,
  RoomSession,
  WalletStore,
} from "../client/mod.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import type { RoomInfoProps } from "../shared/room_props.ts";
import { Button } from "./ui/Button.tsx";
import { Card } from "./ui/Card.tsx";
import { CloseRoom } from "./ui/CloseRoom.tsx";
import { MemberListLoader } from "./ui/MemberListLoader.tsx";
import { shortAddress } from "./ui/format.ts";
import { Notice } from "./ui/Notice.tsx";
import { Invite } from "./ui/Invite.tsx";
import { LiveRoom } from "./ui/LiveRoom.tsx";
import { WalletPanel } from "./ui/WalletPanel.tsx";

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
  const { config, roomId, room } = props;
  const wallet = useMemo(() => new WalletStore(config), [config]);
  const session = useSignal<RoomSession | null>(null);
  const members = useSignal<MemberList | null>(null);
  const link = useSignal<string | null>(null);
  const accountChanged = useSignal(false);
  const closedHere = useSignal(false);
  useEffect(() => {
    wallet.start();
    const readHash = () => {
      members.value = memberListFromHash(location.hash) ?? members.value;
      link.value = roomLink(location.origin, roomId, members.value);
    };
    readHash();
    addEventListener("hashchange", readHash);
    // Leaving the page ends the session, so peers see "left" at once (a "bye" frame).
    const bye = () => session.value?.stop();
    addEventListener("pagehide", bye);
    return () => {
      removeEventListener("pagehide", bye);
      removeEventListener("hashchange", readHash);
      wallet.stop();
      session.value?.stop();
    };
  }, [wallet]);
  // A session belongs to one account: a switch in the wallet ends it.
  const address = useComputed(() => wallet.connection.value?.address ?? null);
  useEffect(() => {
    const s = session.value;
    if (s && address.value !== s.wallet.address) {
      s.stop();
      session.value = null;
      accountChanged.value = true;
    }
  }, [address.value]);

  const expired = room.expiresAt !== "0" && Number(room.expiresAt) * 1000 <= Date.now();
  const unavailable = closedHere.value
    ? "You closed this room. No one can join it any more."
    : room.closed
    ? "This room was closed by its creator. No one can join it any more."
    : expired
    ? "This room has expired. No new keys can be committed to it."
    : null;

  const conn = wallet.connection.value;
  const creatorTools = conn && wallet.ready.value &&
      conn.address.toLowerCase() === room.creator.toLowerCase()
    ? (
      <CloseRoom
        wallet={conn}
        registry={config.registry}
        roomId={roomId}
        onClosed={() => {
          session.value?.stop();
          session.value = null;
          closedHere.value = true;
        }}
      />
    )
    : null;

  const join = () => {
    const conn = wallet.connection.value;
    if (!conn) return;
    accountChanged.value = false;
    const s = new RoomSession(config, roomId, conn, members.value);
    session.value = s;
    void s.start();
  };

  return (
    <div class="space-y-6" data-testid="room-island">
      {unavailable
        ? (
          <Notice tone="warning" title="Cannot join" testid="room-unavailable">
            {unavailable}
          </Notice>
        )
        : session.value
        ? (
          <LiveRoom
            session={session.value}
            link={link.value}
            membersOnly={room.membersOnly}
            creatorTools={creatorTools}
            onLeave={() => (session.value?.stop(), session.value = null)}
          />
        )
        : (
          <>
            {(!wallet.ready.value || wallet.wrongNetwork.value) && <WalletPanel wallet={wallet} />}
            {accountChanged.value && (
              <Notice tone="warning" title="Your wallet account changed" testid="account-changed">
                The session of the previous account was closed. Join again to chat as the new
                account.
              </Notice>
            )}
            <Card
              title="Join this room"
              subtitle="Joining publishes a commitment to fresh session keys (one transaction), then connects you to the others, browser to browser."
              testid="join-card"
            >
              <div class="mt-5 space-y-4">
                {room.membersOnly && !members.value && (
                  <MemberListLoader
                    root={room.membersRoot}
                    onLoad={(l) => members.value = l}
                  />
                )}
                {room.membersOnly && members.value && (
                  <p class="text-sm text-slate-400" data-testid="member-list-loaded">
                    Member list loaded: {members.value.members.length} addresses.
                  </p>
                )}
                <Button
                  onClick={join}
                  disabled={!wallet.ready.value || (room.membersOnly && !members.value)}
                  testid="join-room"
                >
                  Join room
                </Button>
                {wallet.ready.value
                  ? (
                    <p class="text-sm text-slate-400">
                      Joining as{" "}
                      <span
                        class="font-mono text-slate-200"
                        title={wallet.connection.value!.address}
                        data-testid="wallet-address"
                      >
                        {shortAddress(wallet.connection.value!.address)}
                      </span>{" "}
                      ({wallet.connection.value!.label}).
                    </p>
                  )
                  : (
                    <p class="text-sm text-slate-500">
                      Connect a wallet on the right network first.
                    </p>
                  )}
              </div>
            </Card>
          </>
        )}
      {link.value && !unavailable && !session.value && (
        <Invite link={link.value} membersOnly={room.membersOnly} creatorTools={creatorTools} />
      )}
    </div>
  );
}
