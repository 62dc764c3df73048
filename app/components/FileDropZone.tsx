/**
 * Files dropped anywhere on its children, or pasted into them (an image copied to the clipboard),
 * go to `onFiles`. While files are dragged over it, it says where they will go.
 * @module
 */
import type { ComponentChildren } from "preact";
import { useSignal } from "@preact/signals";
import { cx } from "./format.ts";

/** Props of {@linkcode FileDropZone}. */
export interface FileDropZoneProps {
  /** Null: files cannot be sent now (nothing happens on drop). */
  onFiles: ((files: File[]) => void) | null;
  children: ComponentChildren;
}

/** A drop and paste target for files. */
export function FileDropZone(props: FileDropZoneProps) {
  const over = useSignal(false);
  const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes("Files") ?? false;
  return (
    <div
      class="relative"
      data-testid="file-drop"
      onDragOver={(e) => {
        if (!props.onFiles || !hasFiles(e)) return;
        e.preventDefault();
        over.value = true;
      }}
      onDragLeave={() => over.value = false}
      onDrop={(e) => {
        over.value = false;
        if (!props.onFiles || !hasFiles(e)) return;
        e.preventDefault();
        const files = [...(e.dataTransfer?.files ?? [])];
        if (files.length) props.onFiles(files);
      }}
      onPaste={(e) => {
        const files = [...(e.clipboardData?.files ?? [])];
        if (!props.onFiles || files.length === 0) return;
        e.preventDefault();
        props.onFiles(files);
      }}
    >
      {props.children}
      <div
        class={cx(
          "pointer-events-none absolute inset-0 items-center justify-center rounded-2xl border-2 border-dashed border-emerald-400 bg-slate-950/80 text-sm font-medium text-emerald-300",
          over.value ? "flex" : "hidden",
        )}
        aria-hidden="true"
      >
        Drop to send, end-to-end encrypted
      </div>
    </div>
  );
}
