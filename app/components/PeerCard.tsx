/**
 * One peer: address (with its checked ENS name), link state, direct/relay badge, the safety number and a "verified" toggle.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { EnsSource, LinkState, PeerLink } from "../client/mod.ts";
import { EnsName } from "./EnsName.tsx";
import { cx } from "./format.ts";
import { RegistryLine } from "./RegistryLine.tsx";
import { Spinner } from "./Spinner.tsx";
import { useStore } from "./use_store.ts";

const STATE_TEXT: Record<LinkState, string> = {
  waiting: "Waiting for their connection offer…",
  verifying: "Checking their keys against the chain…",
  connecting: "Connecting…",
  confirming: "Confirming keys…",
  open: "Secure connection",
  refused: "Refused: keys did not check out",
  closed: "Disconnected",
};

/** A peer's card. */
export function PeerCard(props: { link: PeerLink; ens?: EnsSource | null }) {
  const { link } = props;
  const verified = useSignal(false);
  const { state, path, safetyNumber: safety, reconnecting } = useStore(link.status);
  const busy = state === "waiting" || state === "verifying" || state === "connecting" ||
    state === "confirming";
  return (
    <div
      class="rounded-xl border border-slate-800 bg-slate-950/40 p-4"
      data-testid="peer"
      data-state={state}
      data-peer={link.peer}
    >
      <div class="flex flex-wrap items-center justify-between gap-2">
        <div class="flex min-w-0 items-center gap-2">
          <span
            class={cx(
              "h-2 w-2 shrink-0 rounded-full",
              state === "open"
                ? "bg-emerald-400"
                : state === "refused" || state === "closed"
                ? "bg-rose-400"
                : "bg-sky-400",
            )}
            aria-hidden="true"
          />
          <EnsName address={link.peer} ens={props.ens ?? null} />
        </div>
        <div class="flex items-center gap-2">
          {path && state === "open" && (
            <span
              class={cx(
                "rounded-full border px-2.5 py-0.5 text-xs font-medium",
                path === "direct"
                  ? "border-emerald-500/30 bg-emerald-500/10 text-emerald-300"
                  : "border-violet-500/30 bg-violet-500/10 text-violet-300",
              )}
              title={path === "direct"
                ? "Packets go straight between your browsers"
                : "Packets go through a TURN relay, still end-to-end encrypted"}
              data-testid="path-badge"
              data-path={path}
            >
              {path === "direct" ? "Direct" : "Relay"}
            </span>
          )}
          {verified.value && state === "open" && (
            <span
              class="rounded-full border border-emerald-500/30 bg-emerald-500/10 px-2.5 py-0.5 text-xs font-medium text-emerald-300"
              data-testid="verified-badge"
            >
              Verified ✓
            </span>
          )}
        </div>
      </div>
      <p
        class="mt-2 flex items-center gap-2 text-xs text-slate-400"
        role="status"
        data-testid="peer-state"
      >
        {(busy || reconnecting) && <Spinner class="h-3 w-3" />}
        {state === "open" && reconnecting ? "Network path lost, reconnecting…" : STATE_TEXT[state]}
      </p>
      {safety && state === "open" && (
        <div class="mt-4">
          <p class="text-xs font-medium uppercase tracking-wider text-slate-400">Safety number</p>
          <p
            class="mt-2 grid grid-cols-4 gap-x-3 gap-y-1 font-mono text-sm tracking-wider text-slate-200 sm:grid-cols-6"
            data-testid="safety-number"
          >
            {safety.split(" ").map((g, i) => <span key={i}>{g}</span>)}
          </p>
          <p class="mt-2 text-xs text-slate-400">
            Compare it with your peer in person or on a call. If it matches, nobody is in between.
          </p>
          <RegistryLine chainId={link.session.chainId} registry={link.session.registry} />
          <label class="mt-3 inline-flex min-h-11 cursor-pointer items-center gap-2 text-sm text-slate-300">
            <input
              type="checkbox"
              class="h-4 w-4 accent-emerald-500"
              checked={verified.value}
              onChange={(e) => verified.value = (e.target as HTMLInputElement).checked}
              data-testid="verified-toggle"
            />
            We compared it: it matches
          </label>
        </div>
      )}
    </div>
  );
}
