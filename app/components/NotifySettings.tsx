/**
 * The opt-in for notifications of a room: a button that asks the browser's permission (nothing is
 * asked before the person clicks), then a switch to turn them off and a second, off by default, to
 * put the sender and the text in them. A refused permission is said in a sentence.
 * @module
 */
import type { Attention } from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { useStore } from "./use_store.ts";

/** Props of {@linkcode NotifySettings}. */
export interface NotifySettingsProps {
  attention: Attention;
}

/** Notification settings of a room. */
export function NotifySettings({ attention }: NotifySettingsProps) {
  const prefs = useStore(attention.prefs);
  const permission = useStore(attention.permission);
  if (permission === "unsupported") return null;
  const on = prefs.notify && permission === "granted";
  return (
    <section
      class="space-y-2 rounded-2xl border border-slate-800 bg-slate-900/60 p-4 text-sm"
      aria-label="Notifications"
      data-testid="notify-settings"
      data-state={on ? "on" : "off"}
    >
      {!on && (
        <div class="flex flex-wrap items-center gap-3">
          <Button
            tone="secondary"
            onClick={() => void attention.enable()}
            disabled={permission === "denied"}
            testid="notify-enable"
          >
            Notify me of new messages
          </Button>
          <span class="text-slate-400" role="status">
            {permission === "denied"
              ? "Notifications are blocked for this site in your browser's settings."
              : "While this tab is hidden, its title counts unread messages."}
          </span>
        </div>
      )}
      {on && (
        <>
          <label class="inline-flex min-h-11 cursor-pointer items-center gap-2 text-slate-300">
            <input
              type="checkbox"
              class="h-4 w-4 accent-emerald-500"
              checked
              onChange={() => attention.disable()}
              data-testid="notify-on"
            />
            Notify me of new messages while this tab is hidden
          </label>
          <label class="flex min-h-11 cursor-pointer items-center gap-2 text-slate-300">
            <input
              type="checkbox"
              class="h-4 w-4 accent-emerald-500"
              checked={prefs.showText}
              onChange={(e) => attention.setShowText(e.currentTarget.checked)}
              data-testid="notify-text"
            />
            Show the sender and the text in notifications (anyone who sees your screen can read
            them)
          </label>
        </>
      )}
    </section>
  );
}
