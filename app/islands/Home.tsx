/**
 * Home island: connect a wallet, create a room, or join one by id.
 *
 * Stub by [web]; the [client] engineer fills in the wallet and transaction flow.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { PublicConfig } from "./types.ts";

/** Props of the Home island. */
export interface HomeProps {
  /** Public chain configuration. */
  config: PublicConfig;
}

/** The interactive part of `/`. */
export default function Home(props: HomeProps) {
  const connected = useSignal(false);
  const roomId = useSignal("");
  const valid = /^0x[0-9a-fA-F]{64}$/.test(roomId.value.trim());
  return (
    <div class="space-y-6" data-testid="home-island">
      <section class="rounded-2xl border border-slate-800 bg-slate-900/60 p-6">
        <h2 class="text-lg font-semibold text-slate-100">Wallet</h2>
        <p class="mt-1 text-sm text-slate-400">
          {connected.value
            ? "Wallet connected (stub)."
            : `Connect a wallet on ${props.config.chainName}.`}
        </p>
        <button
          type="button"
          class="mt-4 rounded-lg bg-emerald-500 px-4 py-2 text-sm font-medium text-slate-950 hover:bg-emerald-400"
          onClick={() => connected.value = !connected.value}
          data-testid="connect"
        >
          {connected.value ? "Disconnect" : "Connect wallet"}
        </button>
      </section>
      <section class="rounded-2xl border border-slate-800 bg-slate-900/60 p-6">
        <h2 class="text-lg font-semibold text-slate-100">Join a room</h2>
        <form
          class="mt-4 flex gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) location.assign(`/room/${roomId.value.trim()}`);
          }}
        >
          <input
            class="min-w-0 flex-1 rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 font-mono text-sm text-slate-100"
            placeholder="0x… room id (64 hex digits)"
            value={roomId.value}
            onInput={(e) => roomId.value = (e.target as HTMLInputElement).value}
          />
          <button
            type="submit"
            disabled={!valid}
            class="rounded-lg bg-slate-700 px-4 py-2 text-sm font-medium text-slate-100 disabled:opacity-40"
          >
            Join
          </button>
        </form>
      </section>
    </div>
  );
}
