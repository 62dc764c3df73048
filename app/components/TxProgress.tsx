/**
 * One transaction's progress: waiting for the wallet, pending, mined, or failed with its reason.
 * @module
 */
import type { TxState } from "../client/mod.ts";
import { Notice } from "./Notice.tsx";
import { Elapsed } from "./Elapsed.tsx";
import { Spinner } from "./Spinner.tsx";

/** Shows a {@linkcode TxState}; nothing while idle. */
export function TxProgress(props: { state: TxState; action: string; testid?: string }) {
  const s = props.state;
  const id = props.testid ?? "tx-state";
  switch (s.phase) {
    case "idle":
      return null;
    case "wallet":
      return (
        <p
          class="flex flex-wrap items-center gap-2 text-sm text-slate-300"
          role="status"
          data-testid={id}
          data-phase="wallet"
        >
          <Spinner /> Confirm the transaction in your wallet to {props.action}…
          <Elapsed since="wallet" class="text-xs" />
        </p>
      );
    case "pending":
      return (
        <p
          class="flex flex-wrap items-center gap-2 text-sm text-slate-300"
          role="status"
          data-testid={id}
          data-phase="pending"
        >
          <Spinner /> Transaction sent, waiting for it to be mined…
          <span class="font-mono text-xs text-slate-400" title={s.hash} data-testid="tx-hash">
            {s.hash.slice(0, 10)}…
          </span>
          <Elapsed since={s.hash} class="text-xs" />
        </p>
      );
    case "mined":
      return (
        <p
          class="flex items-center gap-2 text-sm text-emerald-300"
          role="status"
          data-testid={id}
          data-phase="mined"
        >
          <span aria-hidden="true">✓</span> Mined in block {s.blockNumber.toString()}
        </p>
      );
    case "failed":
      return (
        <div data-testid={id} data-phase="failed">
          <Notice tone="error" title={`Could not ${props.action}`}>
            {capitalize(s.reason)}.
          </Notice>
        </div>
      );
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
