/**
 * One file in the conversation: its name (always as text), size and type; for files offered to
 * us Accept / Save as… / Decline; progress with speed and time left per peer; an inline preview
 * of PNG/JPEG/WebP/GIF images from a `blob:` URL (never SVG), otherwise a download card.
 * @module
 */
import {
  type FileItem,
  formatBytes,
  formatDuration,
  type PeerTransfer,
  saveName,
  type TransferState,
} from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { FileIcon } from "./FileIcons.tsx";
import { cx, shortAddress } from "./format.ts";

/** What a file card can ask for. */
export interface FileActions {
  accept(item: FileItem, saveAs: boolean): void;
  decline(item: FileItem): void;
  cancel(item: FileItem, peer?: string): void;
}

const STATE_TEXT: Record<TransferState, (item: FileItem) => string> = {
  hashing: (i) => `Preparing: checking the file (${Math.floor(i.hashed * 100)} %)`,
  offered: (i) => i.direction === "out" ? "Waiting for them to accept" : "Offered to you",
  queued: () => "Accepted: waiting for the file before it",
  active: (i) => i.direction === "out" ? "Sending" : "Receiving",
  paused: () => "Paused: connection lost, continues when it is back",
  done: (i) => i.direction === "out" ? "Delivered and checked" : "Received and checked",
  declined: () => "Declined",
  cancelled: () => "Cancelled",
  failed: () => "Failed",
};

/** The overall state of an item (its first unfinished copy's, else its first copy's). */
function overall(item: FileItem): TransferState {
  const order: TransferState[] = [
    "active",
    "hashing",
    "offered",
    "queued",
    "paused",
    "failed",
    "done",
    "cancelled",
    "declined",
  ];
  return order.find((s) => item.peers.some((p) => p.state === s)) ?? "failed";
}

/** A file card. */
export function FileCard(props: { item: FileItem; actions: FileActions; canSaveAs: boolean }) {
  const { item, actions } = props;
  const state = overall(item);
  const mine = item.direction === "out";
  return (
    <div
      class={cx(
        "w-full max-w-md rounded-2xl border p-3 text-sm",
        mine ? "border-emerald-700/50 bg-emerald-950/30" : "border-slate-700 bg-slate-900/80",
      )}
      data-testid="file-card"
      data-direction={item.direction}
      data-state={state}
      data-id={item.id}
      data-sink={item.sink ?? undefined}
      data-in-place={item.inPlace || undefined}
    >
      <div class="flex items-start gap-3">
        <FileIcon image={!!item.preview} class="mt-0.5 h-5 w-5 shrink-0 text-slate-400" />
        <div class="min-w-0 flex-1">
          <p class="break-all font-medium text-slate-100" title={item.name} data-testid="file-name">
            {item.name}
          </p>
          <p class="text-xs text-slate-400" data-testid="file-meta">
            {formatBytes(item.size)}
            {item.mime ? ` · ${item.mime}` : ""}
            {mine ? "" : ` · from ${shortAddress(item.from)}`}
          </p>
        </div>
      </div>
      {item.preview && (state === "done" || mine) && (
        <img
          src={item.preview}
          alt={item.name}
          class="mt-3 max-h-72 w-auto max-w-full rounded-lg border border-slate-800"
          data-testid="file-preview"
        />
      )}
      <div class="mt-2 space-y-2">
        {item.peers.map((p) => (
          <PeerRow
            key={p.peer}
            item={item}
            copy={p}
            many={item.peers.length > 1}
            actions={actions}
            canSaveAs={props.canSaveAs}
          />
        ))}
      </div>
      {item.direction === "in" && state === "done" && item.file && (
        <div class="mt-3 flex flex-wrap items-center gap-2">
          <Button tone="secondary" onClick={() => download(item)} testid="file-save">
            Save
          </Button>
          <span class="text-xs text-slate-400">
            {item.sink === "chosen-file"
              ? "Saved where you chose."
              : "Kept in this tab only until you leave: Save to keep it."}
          </span>
        </div>
      )}
    </div>
  );
}

function PeerRow(
  props: {
    item: FileItem;
    copy: PeerTransfer;
    many: boolean;
    actions: FileActions;
    canSaveAs: boolean;
  },
) {
  const { item, copy, actions } = props;
  const moving = copy.state === "active" || copy.state === "paused" || copy.state === "queued";
  const offeredToMe = item.direction === "in" && copy.state === "offered";
  const open = !["done", "declined", "cancelled", "failed"].includes(copy.state);
  return (
    <div
      data-testid="file-peer"
      data-peer={copy.peer}
      data-state={copy.state}
      data-bytes={copy.bytes}
      data-resumed-at={copy.resumedAt ?? undefined}
    >
      <p class="text-xs text-slate-300" data-testid="file-state">
        {props.many && <span class="mr-1 font-mono">{shortAddress(copy.peer)}:</span>}
        {STATE_TEXT[copy.state](item)}
        {copy.resumedAt !== null && moving && " (resumed)"}
      </p>
      {moving && (
        <>
          <progress
            class="mt-1 h-2 w-full overflow-hidden rounded-full [&::-moz-progress-bar]:bg-emerald-500 [&::-webkit-progress-bar]:bg-slate-800 [&::-webkit-progress-value]:bg-emerald-500"
            value={copy.bytes}
            max={Math.max(1, item.size)}
            aria-label={`Progress of ${item.name}`}
            data-testid="file-progress"
            data-bytes={copy.bytes}
          />
          <p class="text-xs text-slate-400" data-testid="file-rate">
            {formatBytes(copy.bytes)} of {formatBytes(item.size)}
            {copy.speed > 0 && ` · ${formatBytes(copy.speed)}/s`}
            {copy.eta !== null && ` · ${formatDuration(copy.eta)} left`}
          </p>
        </>
      )}
      {copy.problem && copy.state !== "cancelled" && (
        <p class="text-xs text-rose-300" role="alert" data-testid="file-error">{copy.problem}</p>
      )}
      <div class="mt-1 flex flex-wrap gap-2">
        {offeredToMe && (
          <>
            <Button onClick={() => actions.accept(item, false)} testid="file-accept">Accept</Button>
            {props.canSaveAs && (
              <Button
                tone="secondary"
                onClick={() => actions.accept(item, true)}
                testid="file-save-as"
              >
                Save as…
              </Button>
            )}
            <Button tone="ghost" onClick={() => actions.decline(item)} testid="file-decline">
              Decline
            </Button>
          </>
        )}
        {open && !offeredToMe && copy.state !== "hashing" && (
          <Button
            tone="ghost"
            class="px-2 py-1 text-xs"
            onClick={() => actions.cancel(item, copy.peer)}
            testid="file-cancel"
          >
            Cancel
          </Button>
        )}
      </div>
    </div>
  );
}

/** Downloads a received file (disk-backed) under a safe name, never opened inline. */
function download(item: FileItem): void {
  const url = URL.createObjectURL(new Blob([item.file!], { type: "application/octet-stream" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = saveName(item.name);
  a.rel = "noopener";
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
