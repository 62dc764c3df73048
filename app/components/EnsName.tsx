/**
 * An address with its ENS primary name and avatar when they check out (app/client/ens_names.ts):
 * the name beside the short address, never instead of it.
 * @module
 */
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { Address } from "viem";
import { cachedEnsProfile, type EnsProfile, type EnsSource } from "../client/mod.ts";
import { shortAddress } from "./format.ts";

/** Props of {@linkcode EnsName}. */
export interface EnsNameProps {
  address: Address;
  /** Where names are read; null: the address only. */
  ens: EnsSource | null;
}

/** The address, with its checked ENS name and avatar once known. */
export function EnsName(props: EnsNameProps) {
  const profile = useSignal<EnsProfile | null>(null);
  useEffect(() => {
    profile.value = null;
    if (!props.ens) return;
    let live = true;
    void cachedEnsProfile(props.ens, props.address).then((p) => live && (profile.value = p));
    return () => {
      live = false;
    };
  }, [props.ens?.universalResolver, props.address]);
  const p = profile.value;
  return (
    <span class="flex min-w-0 items-center gap-2" title={props.address}>
      {p?.avatar && (
        <img src={p.avatar} alt="" class="h-6 w-6 shrink-0 rounded-full" data-testid="ens-avatar" />
      )}
      {p && (
        <span class="truncate text-sm font-medium text-slate-100" data-testid="ens-name">
          {p.name}
        </span>
      )}
      <span class="truncate font-mono text-sm text-slate-100">{shortAddress(props.address)}</span>
    </span>
  );
}
