/**
 * For the room's creator: close the room for good (one transaction), after a confirmation.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { Hex } from "viem";
import type { TxState, WalletConnection } from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { TxProgress } from "./TxProgress.tsx";

/** The close control; `onClosed` runs once the transaction is mined. */
export function CloseRoom(
  props: { wallet: WalletConnection; registry: Hex; roomId: Hex; onClosed(): void },
) {
  const confirming = useSignal(false);
  const tx = useSignal<TxState>({ phase: "idle" });
  const busy = tx.value.phase === "wallet" || tx.value.phase === "pending";
  const close = async () => {
    try {
      const { closeRoom } = await import("../client/transactions.ts");
      await closeRoom(props.wallet, props.registry, props.roomId, (s) => tx.value = s);
      props.onClosed();
    } catch {
      // TxProgress shows why.
    }
  };
  return (
    <div class="space-y-3 border-t border-slate-800 pt-4" data-testid="close-room">
      <p class="text-sm text-slate-400">
        You created this room. Closing it stops anyone from joining again; it cannot be undone.
      </p>
      {confirming.value
        ? (
          <div class="flex flex-wrap gap-2">
            <button
              type="button"
              class="rounded-lg bg-rose-500 px-4 py-2 text-sm font-medium text-white hover:bg-rose-400 disabled:opacity-50"
              onClick={() => void close()}
              disabled={busy}
              data-testid="close-room-confirm"
            >
              Close it for everyone
            </button>
            <Button tone="ghost" onClick={() => confirming.value = false} disabled={busy}>
              Keep it open
            </Button>
          </div>
        )
        : (
          <Button tone="secondary" onClick={() => confirming.value = true}>
            Close room…
          </Button>
        )}
      <TxProgress state={tx.value} action="close the room" testid="close-tx" />
    </div>
  );
}
