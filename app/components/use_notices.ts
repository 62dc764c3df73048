/**
 * The notices of a room session as the page shows them: a list the person can dismiss, without
 * repeats, from the session's `notice` events; notices of a kind the session says no longer
 * holds (`cleared`) go away by themselves.
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Notice, RoomSession } from "../client/mod.ts";

/** A notice on screen, with an id to dismiss it by. */
export interface ShownNotice extends Notice {
  id: number;
}

/**
 * The session's notices and a way to dismiss one.
 *
 * @example
 * ```tsx ignore
 * const { notices, dismiss } = useNotices(session);
 * notices.map((n) => <Notice key={n.id} tone={n.tone} onDismiss={() => dismiss(n.id)}>{n.message}</Notice>);
 * ```
 */
export function useNotices(
  session: Pick<RoomSession, "events">,
): { notices: readonly ShownNotice[]; dismiss(id: number): void } {
  const notices = useSignal<readonly ShownNotice[]>([]);
  useEffect(() => {
    notices.value = [];
    let next = 0;
    const offs = [
      session.events.on("notice", (n) => {
        if (notices.value.some((s) => s.message === n.message)) return;
        notices.value = [...notices.value, { ...n, id: ++next }];
      }),
      session.events.on("cleared", (kind) => {
        notices.value = notices.value.filter((n) => n.kind !== kind);
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [session]);
  return {
    notices: notices.value,
    dismiss: (id) => notices.value = notices.value.filter((n) => n.id !== id),
  };
}
