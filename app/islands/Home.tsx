/**
 * Home island: connect a wallet, create a room (open or members-only, optional expiry) with its
 * transaction states, share it, or join one by pasting its id or link.
 * @module
 */
import { useEffect, useMemo } from "preact/hooks";
import { WalletStore } from "../client/wallet.ts";
import type { PublicConfig } from "../shared/public_config.ts";
import { CreateRoom } from "../components/CreateRoom.tsx";
import { JoinRoom } from "../components/JoinRoom.tsx";
import { WalletPanel } from "../components/WalletPanel.tsx";

/** Props of the Home island. */
export interface HomeProps {
  /** Public chain configuration. */
  config: PublicConfig;
}

/** The interactive part of `/`. */
export default function Home(props: HomeProps) {
  const wallet = useMemo(() => new WalletStore(props.config), [props.config]);
  useEffect(() => {
    wallet.start();
    return () => wallet.stop();
  }, [wallet]);
  return (
    <div class="space-y-6" data-testid="home-island">
      <WalletPanel wallet={wallet} />
      <CreateRoom wallet={wallet} />
      <JoinRoom />
    </div>
  );
}
