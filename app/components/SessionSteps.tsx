/**
 * The joining steps of a room session as a checklist: done, active (with what is happening),
 * waiting, or failed.
 * @module
 */
import type { RoomSession, SessionStep } from "../client/mod.ts";
import { cx } from "./format.ts";
import { Elapsed } from "./Elapsed.tsx";
import { Spinner } from "./Spinner.tsx";
import { useStore } from "./use_store.ts";
import { TxProgress } from "./TxProgress.tsx";

const ORDER: SessionStep[] = ["room", "keys", "commit", "sign-in", "socket", "ready"];

const LABELS: Record<Exclude<SessionStep, "idle">, [string, string]> = {
  room: ["Check the room on-chain", "Reading the registry through your wallet"],
  keys: ["Make fresh session keys", "Encryption key and connection certificate, never exported"],
  commit: ["Publish your key commitment", "One transaction binds these keys to your address"],
  "sign-in": ["Sign in", "Sign a message so the server knows your address"],
  socket: ["Reach the room", "Connecting to the signaling server"],
  ready: ["Find your peer", "Waiting for someone else to join"],
};
/** The labels that change when the session took back keys kept on this device. */
const REUSED: Partial<typeof LABELS> = {
  keys: ["Take back your kept keys", "Kept on this device, checked against your commitment"],
  commit: ["Key commitment already on chain", "No transaction: it matches the kept keys"],
};

/** The checklist for a session. */
export function SessionSteps(
  props: { session: RoomSession; peerText?: string; peerConnected?: boolean },
) {
  const { step: current, fatal, commitTx, reusedKeys } = useStore(props.session.state);
  const at = ORDER.indexOf(current);
  const labels = (key: Exclude<SessionStep, "idle">) => (reusedKeys && REUSED[key]) || LABELS[key];
  const currentTitle = at >= 0 ? labels(current as Exclude<SessionStep, "idle">)[0] : "Starting";
  return (
    <>
      {/* Announces each step once; the ticking timers below are not announced. */}
      <p class="sr-only" role="status" data-testid="session-status">
        {fatal ? `Stopped at: ${currentTitle}` : `${currentTitle}…`}
      </p>
      <ol class="space-y-3" data-testid="session-steps" data-step={current}>
        {ORDER.map((step, i) => {
          const done = i < at || (step === "ready" && props.peerConnected === true);
          const active = i === at && !done;
          const failed = active && fatal !== null;
          const key = step as Exclude<SessionStep, "idle">;
          const [title, detail] = labels(key);
          return (
            <li key={step} class="flex gap-3" data-testid={`step-${step}`} data-done={done}>
              <span
                class={cx(
                  "mt-0.5 flex h-6 w-6 shrink-0 items-center justify-center rounded-full border text-xs",
                  done && "border-emerald-500/50 bg-emerald-500/15 text-emerald-300",
                  active && !failed && "border-sky-400/60 text-sky-300",
                  failed && "border-rose-500/60 bg-rose-500/10 text-rose-300",
                  !done && !active && "border-slate-700 text-slate-400",
                )}
                aria-hidden="true"
              >
                {done ? "✓" : failed ? "!" : active ? <Spinner class="h-3 w-3" /> : i + 1}
              </span>
              <div class="min-w-0">
                <p
                  class={cx(
                    "text-sm font-medium",
                    done || active ? "text-slate-100" : "text-slate-400",
                  )}
                >
                  {title}
                </p>
                {active && !failed && (
                  <p class="text-xs text-slate-400">
                    {step === "ready" && props.peerText ? props.peerText : detail}{" "}
                    <Elapsed since={step} testid="step-elapsed" />
                  </p>
                )}
                {step === "commit" && (active || done) && !reusedKeys && (
                  <div class="mt-1">
                    <TxProgress
                      state={commitTx}
                      action="publish your key commitment"
                      testid="commit-tx"
                    />
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}
