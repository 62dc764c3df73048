/**
 * Room island: connect the wallet, publish the key commitment, sign in, connect to peers with
 * verified keys, and chat end-to-end encrypted. Thin: the work is in app/client/.
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect, useMemo } from "preact/hooks";
import type { Hex } from "viem";
import { roomRefusal, roomRefusalSentence } from "../chain/room_status.ts";
import type {
  Attention,
  Calls,
  ChatLog,
  FileTransfers,
  MemberList,
  RoomSession,
} from "../client/mod.ts";
import { roomUrl } from "../client/room_input.ts";
import { WalletStore } from "../client/wallet.ts";
import { indexedDbKeeper } from "../client/indexed_db_keeper.ts";
import { keepHours } from "../client/keep_choice.ts";
import { useStore } from "../components/use_store.ts";
import { roomFromProps } from "../shared/room_props.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import type { RoomInfoProps } from "../shared/room_props.ts";
import { Button } from "../components/Button.tsx";
import { Card } from "../components/Card.tsx";
import { CloseRoom } from "../components/CloseRoom.tsx";
import { MemberListLoader } from "../components/MemberListLoader.tsx";
import { shortAddress } from "../components/format.ts";
import { Notice } from "../components/Notice.tsx";
import { Invite } from "../components/Invite.tsx";
import { KeepKeys } from "../components/KeepKeys.tsx";
import { WalletPanel } from "../components/WalletPanel.tsx";

/** Largest file when the server does not say (matches its default, 4 GiB). */
const DEFAULT_FILE_MAX_BYTES = 4 * 1024 ** 3;

/**
 * The session engine and the live room's UI: most of the page's code, loaded after the page is
 * interactive (started at once, awaited on "Join room"), not before (docs/CLIENT.md, "First load").
 */
function loadLive(): Promise<Live> {
  return liveModules ??= Promise.all([
    import("../client/mod.ts"),
    import("../components/LiveRoom.tsx"),
    import("../components/CallPanel.tsx"),
    import("../components/NotifySettings.tsx"),
  ]).then(([engine, room, call, notify]) => [engine, { ...room, ...call, ...notify }] as Live)
    .catch(
      (e) => {
        liveModules = null; // Let a later "Join room" try again.
        throw e;
      },
    );
}
type LiveUi =
  & typeof import("../components/LiveRoom.tsx")
  & typeof import("../components/CallPanel.tsx")
  & typeof import("../components/NotifySettings.tsx");
type Live = [typeof import("../client/mod.ts"), LiveUi];
let liveModules: Promise<Live> | null = null;

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
  // Keys kept on this device between visits (none where IndexedDB is missing, e.g. server render).
  const keeper = useMemo(() => globalThis.indexedDB ? indexedDbKeeper() : null, []);
  const live = useSignal<
    {
      session: RoomSession;
      chat: ChatLog;
      files: FileTransfers;
      calls: Calls;
      attention: Attention;
      ui: LiveUi;
    } | null
  >(null);
  const joining = useSignal(false);
  const loadError = useSignal<string | null>(null);
  const session = live.value?.session ?? null;
  const w = useStore(wallet.state);
  const forgetDevice = () => keeper?.clear() ?? Promise.resolve();
  const members = useSignal<MemberList | null>(null);
  const link = useSignal<string | null>(null);
  const accountChanged = useSignal(false);
  const closedHere = useSignal(false);
  useEffect(() => {
    wallet.start();
    // Fetch the engine once the page is idle (a failure shows when "Join room" awaits it).
    const idle = globalThis.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 300));
    idle(() => loadLive().catch(() => {}));
    const readHash = async () => {
      if (!location.hash.startsWith("#members=") && !members.value) {
        link.value = roomUrl(location.origin, roomId);
        return;
      }
      const [engine] = await loadLive();
      members.value = engine.memberListFromHash(location.hash) ?? members.value;
      link.value = engine.roomLink(location.origin, roomId, members.value);
    };
    void readHash().catch(() => {});
    addEventListener("hashchange", readHash);
    // Leaving the page ends the session, so peers see "left" at once (a "bye" frame).
    const bye = () => {
      live.value?.calls.dispose();
      live.value?.session.stop();
      live.value?.files.dispose();
    };
    addEventListener("pagehide", bye);
    return () => {
      removeEventListener("pagehide", bye);
      removeEventListener("hashchange", readHash);
      wallet.stop();
      end();
    };
  }, [wallet]);
  // A session belongs to one account: a switch in the wallet ends it.
  const address = w.connection?.address ?? null;
  useEffect(() => {
    if (session && address !== session.wallet.address) {
      end();
      accountChanged.value = true;
    }
  }, [address]);

  const end = () => {
    live.value?.calls.dispose();
    live.value?.attention.dispose();
    live.value?.session.stop();
    live.value?.chat.dispose();
    live.value?.files.dispose();
    live.value = null;
  };
  // An explicit Leave (or closing the room) erases the kept keys; a reload or a closed tab
  // does not (docs/CRYPTO.md, "Kept keys"). A session that failed keeps them for a retry.
  const leave = () => {
    const s = live.value?.session;
    end();
    if (s && !s.state.value.fatal) void s.leave();
  };
  const refusal = roomRefusal(roomFromProps(room), Date.now() / 1000);
  const unavailable = closedHere.value
    ? "You closed this room. No one can join it any more."
    : refusal === "room-closed"
    ? `${roomRefusalSentence(refusal)} No one can join it any more.`
    : refusal === "room-expired"
    ? `${roomRefusalSentence(refusal)} No new keys can be committed to it.`
    : null;

  const conn = w.connection;
  const creatorTools = conn && w.ready &&
      conn.address.toLowerCase() === room.creator.toLowerCase()
    ? (
      <CloseRoom
        wallet={conn}
        registry={config.registry}
        roomId={roomId}
        onClosed={() => {
          leave();
          closedHere.value = true;
        }}
      />
    )
    : null;

  const join = async () => {
    const conn = wallet.connection;
    if (!conn || joining.value) return;
    joining.value = true;
    let engine: Live[0], ui: Live[1];
    try {
      [engine, ui] = await loadLive();
      loadError.value = null;
    } catch {
      loadError.value =
        "Cannot join: the app's code did not load. Check your connection and try again.";
      return;
    } finally {
      joining.value = false;
    }
    if (wallet.connection !== conn || live.value) return;
    const { Attention, browserAttentionEnv, browserFileStorage, browserIO, Calls, ChatLog } =
      engine;
    const { FileTransfers, RoomSession } = engine;
    accountChanged.value = false;
    const files = new FileTransfers({
      self: conn.address,
      maxBytes: config.fileMaxBytes ?? DEFAULT_FILE_MAX_BYTES,
      storage: browserFileStorage(),
    });
    const calls = new Calls({ devices: globalThis.navigator?.mediaDevices });
    const s = new RoomSession({
      config,
      roomId,
      wallet: conn,
      members: members.value,
      io: browserIO(),
      extensions: [files.extension, calls.extension],
      keep: keeper ? { keeper, forMs: keepHours() * 3_600_000 } : undefined,
    });
    calls.bind(() => s.links);
    // The chat listens before the session starts: no message can arrive unseen.
    const attention = new Attention(s, browserAttentionEnv());
    live.value = { session: s, chat: new ChatLog(s), files, calls, attention, ui };
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
        : live.value
        ? (
          <>
            <live.value.ui.CallPanel calls={live.value.calls} session={live.value.session} />
            <live.value.ui.NotifySettings attention={live.value.attention} />
            <live.value.ui.LiveRoom
              session={live.value.session}
              chat={live.value.chat}
              files={live.value.files}
              link={link.value}
              membersOnly={room.membersOnly}
              creatorTools={creatorTools}
              onLeave={leave}
            />
            {keeper && <KeptKeysLine session={live.value.session} onForget={forgetDevice} />}
          </>
        )
        : (
          <>
            {(!w.ready || w.wrongNetwork) && <WalletPanel wallet={wallet} />}
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
                {keeper && <KeepKeys onForget={forgetDevice} />}
                <Button
                  onClick={() => void join()}
                  disabled={!w.ready || joining.value || (room.membersOnly && !members.value)}
                  testid="join-room"
                >
                  Join room
                </Button>
                {loadError.value && (
                  <Notice tone="error" testid="join-load-error">{loadError.value}</Notice>
                )}
                {w.ready && conn
                  ? (
                    <p class="text-sm text-slate-400">
                      Joining as{" "}
                      <span
                        class="font-mono text-slate-200"
                        title={conn.address}
                        data-testid="wallet-address"
                      >
                        {shortAddress(conn.address)}
                      </span>{" "}
                      ({conn.label}).
                    </p>
                  )
                  : (
                    <p class="text-sm text-slate-400">
                      Connect a wallet on the right network first.
                    </p>
                  )}
              </div>
            </Card>
          </>
        )}
      {link.value && !unavailable && !session && (
        <Invite link={link.value} membersOnly={room.membersOnly} creatorTools={creatorTools} />
      )}
    </div>
  );
}

/** What this device keeps of the live session's keys. */
function KeptKeysLine(props: { session: RoomSession; onForget(): Promise<void> }) {
  const { keptUntil, reusedKeys, step } = useStore(props.session.state);
  if (step !== "ready" && step !== "socket") return null;
  return <KeepKeys keptUntil={keptUntil} reused={reusedKeys} onForget={props.onForget} />;
}
