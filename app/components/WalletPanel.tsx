/**
 * The wallet card: pick a wallet (or a development account on the local chain), see the
 * connected address, and move the wallet to the right network.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { WalletStore } from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { Card } from "./Card.tsx";
import { shortAddress } from "./format.ts";
import { Notice } from "./Notice.tsx";
import { OpenInWallet } from "./OpenInWallet.tsx";
import { Spinner } from "./Spinner.tsx";
import { useStore } from "./use_store.ts";

/** The wallet card for a {@linkcode WalletStore}. */
export function WalletPanel(props: { wallet: WalletStore; compact?: boolean }) {
  const { wallet } = props;
  const devIndex = useSignal(1);
  const w = useStore(wallet.state);
  const { connection: conn, status } = w;
  const config = wallet.config;

  if (conn) {
    return (
      <Card testid="wallet-panel">
        <div class="flex flex-wrap items-center justify-between gap-3">
          <div class="flex min-w-0 items-center gap-3">
            <span
              class="flex h-9 w-9 shrink-0 items-center justify-center rounded-full bg-emerald-500/15 text-emerald-300"
              aria-hidden="true"
            >
              ◆
            </span>
            <div class="min-w-0">
              <p
                class="truncate font-mono text-sm text-slate-100"
                title={conn.address}
                data-testid="wallet-address"
              >
                {shortAddress(conn.address)}
              </p>
              <p class="text-xs text-slate-400">
                {conn.label} · {w.wrongNetwork
                  ? <span class="text-amber-300">wrong network</span>
                  : config.chainName}
              </p>
            </div>
          </div>
          <Button tone="ghost" onClick={() => wallet.disconnect()} testid="disconnect">
            Disconnect
          </Button>
        </div>
        {w.wrongNetwork && (
          <div class="mt-4">
            <Notice tone="warning" title="Wrong network" testid="wrong-network">
              <p>
                Your wallet is on chain {w.chainId}. Mesh3 verifies keys on {config.chainName}{" "}
                (chain {config.chainId}).
              </p>
              <Button
                class="mt-3"
                onClick={() =>
                  void wallet.switchNetwork()}
                disabled={status === "connecting"}
                testid="switch-network"
              >
                {status === "connecting" && <Spinner />}Switch to {config.chainName}
              </Button>
            </Notice>
          </div>
        )}
        <WalletError message={w.error} />
      </Card>
    );
  }

  const options = w.wallets;
  const devCount = wallet.devAccounts;
  return (
    <Card
      title="Connect a wallet"
      subtitle={`Your wallet is your identity here. Mesh3 runs on ${config.chainName}.`}
      testid="wallet-panel"
    >
      {status === "connecting"
        ? (
          <p class="mt-4 flex items-center gap-2 text-sm text-slate-300" data-testid="wallet-wait">
            <Spinner /> Waiting for your wallet… check its window.
          </p>
        )
        : (
          <div class="mt-4 space-y-3">
            {options.length > 0
              ? (
                <ul class="grid gap-2 sm:grid-cols-2">
                  {options.map((option) => (
                    <li key={option.id}>
                      <button
                        type="button"
                        class="flex w-full items-center gap-3 rounded-xl border border-slate-700 bg-slate-800/60 px-4 py-3 text-left text-sm text-slate-100 transition-colors hover:border-emerald-500/60 hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-emerald-300"
                        onClick={() => void wallet.connect(option)}
                        data-testid="wallet-option"
                      >
                        {option.icon
                          ? <img src={option.icon} alt="" class="h-7 w-7 rounded-md" />
                          : <span class="h-7 w-7 rounded-md bg-slate-700" aria-hidden="true" />}
                        <span class="font-medium">{option.name}</span>
                      </button>
                    </li>
                  ))}
                </ul>
              )
              : (
                <>
                  <p class="text-sm text-slate-400" data-testid="no-wallet">
                    No browser wallet found. Install MetaMask or another Ethereum wallet, then
                    reload this page.
                  </p>
                  <OpenInWallet />
                </>
              )}
            {devCount > 0 && (
              <div class="rounded-xl border border-dashed border-slate-700 p-4">
                <p class="text-sm text-slate-300">
                  <span class="font-medium">Local development chain.</span>{" "}
                  Try Mesh3 without a wallet: use one of the chain's funded test accounts. Never
                  offered on a real network.
                </p>
                <div class="mt-3 flex flex-wrap items-center gap-2">
                  <label class="sr-only" for="dev-account">Development account</label>
                  <select
                    id="dev-account"
                    class="rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100"
                    value={devIndex.value}
                    onChange={(e) => devIndex.value = Number((e.target as HTMLSelectElement).value)}
                    data-testid="dev-account-select"
                  >
                    {Array.from(
                      { length: devCount },
                      (_, i) => <option value={i} key={i}>Test account #{i}</option>,
                    )}
                  </select>
                  <Button
                    tone="secondary"
                    onClick={() => void wallet.connectDev(devIndex.value)}
                    testid="dev-account"
                  >
                    Use test account
                  </Button>
                </div>
              </div>
            )}
          </div>
        )}
      <WalletError message={w.error} />
    </Card>
  );
}

/** The wallet's last error, if any, under either view of the panel. */
function WalletError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div class="mt-4">
      <Notice tone="error" testid="wallet-error">{message}</Notice>
    </div>
  );
}
