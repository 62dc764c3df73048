/**
 * A room session in progress: notices, joining steps, peers, the chat, and the invite card.
 * @module
 */
import type { ComponentChildren } from "preact";
import { useSignal } from "@preact/signals";
import type { Address } from "viem";
import {
  type ChatLog,
  ensSource,
  type FileItem,
  type FileTransfers,
  type RoomSession,
} from "../client/mod.ts";
import { AttachFiles, FileRecipients } from "./AttachFiles.tsx";
import { type FileActions, FileCard } from "./FileCard.tsx";
import { FileDropZone } from "./FileDropZone.tsx";
import { cx } from "./format.ts";
import { Button } from "./Button.tsx";
import { Card } from "./Card.tsx";
import { Chat } from "./Chat.tsx";
import { Invite } from "./Invite.tsx";
import { Notice } from "./Notice.tsx";
import { PeerCard } from "./PeerCard.tsx";
import { SessionSteps } from "./SessionSteps.tsx";
import { useNotices } from "./use_notices.ts";
import { useStore } from "./use_store.ts";

/** The live part of the Room island for one session. */
export function LiveRoom(
  props: {
    session: RoomSession;
    chat: ChatLog;
    files: FileTransfers;
    link: string | null;
    membersOnly: boolean;
    creatorTools: ComponentChildren;
    onLeave(): void;
  },
) {
  const { session } = props;
  const { links, fatal, socket, step, chainReachable } = useStore(session.state);
  const messages = useStore(props.chat.entries);
  const files = useStore(props.files.items);
  const filePeers = useStore(props.files.peers);
  const to = useSignal("");
  const fileError = useSignal<string | null>(null);
  const target = filePeers.includes(to.value as Address) ? to.value : "";
  const sendFiles = filePeers.length === 0 ? null : (list: File[]) => {
    try {
      fileError.value = null;
      props.files.send(list, target ? [target as Address] : undefined);
    } catch (e) {
      fileError.value = e instanceof Error ? e.message : "Cannot send the files";
    }
  };
  const actions: FileActions = {
    accept: (item, saveAs) => void props.files.accept(item.id, item.from, saveAs),
    decline: (item) => props.files.decline(item.id, item.from),
    cancel: (item, peer) => props.files.cancel(item.id, peer as Address | undefined),
  };
  const fileCards = files.map((item: FileItem) => ({
    at: item.at,
    key: `file-${item.direction}-${item.from}-${item.id}`,
    node: (
      <div class={cx("flex", item.direction === "out" ? "justify-end" : "justify-start")}>
        <FileCard item={item} actions={actions} canSaveAs={props.files.canSaveAs} />
      </div>
    ),
  }));
  const { notices, dismiss } = useNotices(session);
  const open = links.filter((l) => l.state === "open");
  const ready = step === "ready";
  const connecting = links.some((l) => !l.ended);
  const refused = links.some((l) => l.state === "refused");
  const peerText = connecting
    ? "Connecting to your peer…"
    : refused
    ? "Not connected: your peer's connection was refused (see above). Waiting for a new session."
    : links.length > 0
    ? "Not connected. Waiting for your peer to come back."
    : "Waiting for someone else to join. Share the link below.";
  return (
    <div
      class="space-y-4"
      data-testid="live-room"
      data-step={step}
      data-commit-mined-at={session.timing.commitMinedAt || undefined}
      data-first-message-at={session.timing.firstMessageAt || undefined}
    >
      {fatal && (
        <Notice
          tone="error"
          title={ready ? "The session ended" : "Cannot join this room"}
          testid="session-fatal"
        >
          <p>{fatal}</p>
          <Button tone="secondary" class="mt-3" onClick={props.onLeave} testid="try-again">
            Back
          </Button>
        </Notice>
      )}
      {notices.map((b) => (
        <Notice
          key={b.id}
          tone={b.tone}
          testid="banner"
          onDismiss={() => dismiss(b.id)}
        >
          <span data-kind={b.kind}>{b.message}</span>
        </Notice>
      ))}
      {ready && !fatal && socket !== "open" && (
        <Notice tone="warning" testid="socket-state">
          Connection to the room server lost. Reconnecting… Your open chats keep working.
        </Notice>
      )}
      {ready && !fatal && !chainReachable && (
        <Notice tone="warning" testid="chain-state">
          Cannot reach the chain. New peers cannot be verified until it answers again; your open
          chats keep working, their keys were checked already.
        </Notice>
      )}
      {open.length === 0 && (
        <Card title="Joining" testid="session-card">
          <div class="mt-5">
            <SessionSteps session={session} peerText={peerText} peerConnected={open.length > 0} />
          </div>
        </Card>
      )}
      {links.length > 0 && (
        <div class="grid gap-3 sm:grid-cols-2" data-testid="peers">
          {links.map((l) => (
            <PeerCard
              key={l.peer}
              link={l}
              ens={ensSource(session.config, session.wallet.publicClient)}
            />
          ))}
        </div>
      )}
      {open.length === 0 && !fatal && props.link && (
        <Invite
          link={props.link}
          membersOnly={props.membersOnly}
          creatorTools={props.creatorTools}
        />
      )}
      {(connecting || open.length > 0 || messages.length > 0 || files.length > 0) && (
        <Card
          title="Chat"
          aside={
            <Button tone="ghost" onClick={props.onLeave} testid="leave">
              Leave
            </Button>
          }
          testid="chat-card"
        >
          <FileDropZone onFiles={sendFiles}>
            <div class="mt-3">
              <Chat
                messages={messages}
                canSend={open.length > 0}
                placeholder={open.length > 0
                  ? "Write a message…"
                  : "Waiting for a secure connection…"}
                onSend={(text) => void props.chat.send(text)}
                extra={fileCards}
                composerStart={
                  <AttachFiles
                    disabled={!sendFiles}
                    peers={filePeers}
                    to={target}
                    onTo={(v) => to.value = v}
                    onFiles={(list) => sendFiles?.(list)}
                  />
                }
                composerAbove={(filePeers.length > 1 || fileError.value) && (
                  <div class="space-y-1">
                    <FileRecipients peers={filePeers} to={target} onTo={(v) => to.value = v} />
                    {fileError.value && (
                      <p class="text-xs text-rose-300" role="alert" data-testid="file-send-error">
                        {fileError.value}
                      </p>
                    )}
                  </div>
                )}
              />
            </div>
          </FileDropZone>
        </Card>
      )}
      {open.length > 0 && !fatal && props.link && (
        <Invite
          link={props.link}
          membersOnly={props.membersOnly}
          creatorTools={props.creatorTools}
        />
      )}
    </div>
  );
}
