/**
 * Keeping a room session's keys on this device (issue 16, item 2): how long (before joining),
 * what is kept now (in the room), and "Forget this device".
 * @module
 */
import { useSignal } from "@preact/signals";
import { DEFAULT_KEEP_HOURS, KEEP_HOURS, keepHours, setKeepHours } from "../client/keep_choice.ts";
import { Button } from "./Button.tsx";

/** Props of {@linkcode KeepKeys}. */
export interface KeepKeysProps {
  /** Erases every key this device keeps. */
  onForget(): Promise<void>;
  /** In a room: until when the session's keys are kept (null: not kept). Absent before joining. */
  keptUntil?: number | null;
  /** In a room: whether the session took back kept keys (no transaction). */
  reused?: boolean;
}

const label = (h: number) =>
  h === 0
    ? "Do not keep"
    : `${h} hour${h === 1 ? "" : "s"}${h === DEFAULT_KEEP_HOURS ? " (default)" : ""}`;
const time = (ms: number) =>
  new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** The keep-keys line: a duration choice before joining, a status in the room. */
export function KeepKeys(props: KeepKeysProps) {
  const hours = useSignal(keepHours());
  const forgotten = useSignal(false);
  const forget = async () => {
    await props.onForget().catch(() => {});
    forgotten.value = true;
  };
  const inRoom = props.keptUntil !== undefined;
  const status = forgotten.value
    ? "This device keeps no keys now: your next visit needs a new transaction."
    : !inRoom
    ? null
    : props.keptUntil
    ? `${props.reused ? "Took back the keys this device kept: no transaction was needed. " : ""}` +
      `Your keys for this room stay on this device until ${time(props.keptUntil)}: a reload or ` +
      `a return before then needs no transaction. Leave erases them.`
    : "Your keys for this room are not kept on this device: a reload needs a new transaction.";
  return (
    <div class="flex flex-wrap items-center gap-3 text-sm text-slate-400" data-testid="keep-keys">
      {!inRoom && (
        <label class="flex items-center gap-2">
          Keep my keys on this device for
          <select
            class="rounded-lg border border-slate-700 bg-slate-950 px-2 py-1 text-slate-100"
            value={hours.value}
            onChange={(e) => {
              hours.value = Number((e.target as HTMLSelectElement).value);
              setKeepHours(hours.value);
              if (hours.value === 0) void forget();
            }}
            data-testid="keep-hours"
          >
            {KEEP_HOURS.map((h) => <option value={h} key={h}>{label(h)}</option>)}
          </select>
        </label>
      )}
      {status && <p data-testid="keep-status" role="status">{status}</p>}
      <Button tone="ghost" onClick={forget} testid="forget-device">
        Forget this device
      </Button>
    </div>
  );
}
