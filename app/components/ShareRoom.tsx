/**
 * Share a room: its link with a copy button, and a QR code of the same link.
 * @module
 */
import { useSignal, useSignalEffect } from "@preact/signals";
import { Button } from "./Button.tsx";

/** Link, copy button and QR code. */
export function ShareRoom(props: { link: string; compact?: boolean }) {
  const copied = useSignal(false);
  const qr = useSignal<string | null>(null);
  const link = useSignal(props.link);
  link.value = props.link;
  useSignalEffect(() => {
    const text = link.value;
    // The QR encoder loads when a link is first shown, not with the page.
    import("qrcode").then(({ default: QRCode }) =>
      QRCode.toString(text, {
        type: "svg",
        margin: 1,
        errorCorrectionLevel: "M",
        color: { dark: "#0f172a", light: "#f8fafc" },
      })
    ).then((svg: string) => {
      qr.value = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    }, () => qr.value = null);
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.link);
      copied.value = true;
      setTimeout(() => copied.value = false, 2000);
    } catch {
      copied.value = false;
    }
  };
  return (
    <div class="flex flex-col gap-4 sm:flex-row sm:items-center" data-testid="share-room">
      {qr.value && (
        <img
          src={qr.value}
          alt="QR code of the room link"
          class="h-32 w-32 shrink-0 rounded-lg border border-slate-700"
          data-testid="room-qr"
        />
      )}
      <div class="min-w-0 flex-1 space-y-2">
        <p class="text-xs font-medium uppercase tracking-wider text-slate-400">Room link</p>
        <p
          class="break-all rounded-lg border border-slate-800 bg-slate-950 px-3 py-2 font-mono text-xs text-slate-300"
          data-testid="room-link"
        >
          {props.link}
        </p>
        <Button tone="secondary" onClick={() => void copy()} testid="copy-link">
          {copied.value ? "Copied ✓" : "Copy link"}
        </Button>
      </div>
    </div>
  );
}
