/**
 * The composer's file button: pick one or more files (any type, images too); and, with more than
 * one peer connected, the choice of whom files go to ({@linkcode FileRecipients}).
 * @module
 */
import { useRef } from "preact/hooks";
import { PaperclipIcon } from "./FileIcons.tsx";
import { shortAddress } from "./format.ts";

/** Props of {@linkcode AttachFiles}. */
export interface AttachFilesProps {
  disabled: boolean;
  /** Peers connected now (lower case). */
  peers: readonly string[];
  /** "" for everyone, or one peer's address. */
  to: string;
  onTo(to: string): void;
  onFiles(files: File[]): void;
}

/** The paperclip button and the hidden file input. */
export function AttachFiles(props: AttachFilesProps) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div class="flex shrink-0 items-center gap-1">
      <button
        type="button"
        class="h-11 w-11 rounded-xl border border-slate-700 bg-slate-900 text-slate-300 hover:bg-slate-800 disabled:cursor-not-allowed disabled:opacity-40"
        title="Send files or images"
        aria-label="Send files or images"
        disabled={props.disabled}
        onClick={() => input.current?.click()}
        data-testid="attach"
      >
        <PaperclipIcon class="mx-auto h-5 w-5" />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        class="hidden"
        onChange={(e) => {
          const el = e.target as HTMLInputElement;
          const files = [...(el.files ?? [])];
          el.value = "";
          if (files.length) props.onFiles(files);
        }}
        data-testid="file-input"
      />
    </div>
  );
}

/** With more than one peer connected: files go to everyone, or to one of them. */
export function FileRecipients(props: Omit<AttachFilesProps, "disabled" | "onFiles">) {
  if (props.peers.length < 2) return null;
  return (
    <label class="flex items-center gap-2 text-xs text-slate-400">
      Files go to
      <select
        class="rounded-lg border border-slate-700 bg-slate-900 px-2 py-1 text-xs text-slate-200"
        value={props.to}
        onChange={(e) => props.onTo((e.target as HTMLSelectElement).value)}
        data-testid="file-to"
      >
        <option value="">everyone</option>
        {props.peers.map((p) => <option key={p} value={p}>{shortAddress(p)}</option>)}
      </select>
    </label>
  );
}
