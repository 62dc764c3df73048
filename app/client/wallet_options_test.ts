import assert from "node:assert/strict";
import type { Hex } from "viem";
import type { PublicConfig } from "../shared/public_config.ts";
import { devAccountKeys } from "./dev_accounts.ts";
import { discoverWallets, type Eip1193Provider, type WalletOption } from "./eip6963.ts";
import { walletErrorMessage } from "./wallet.ts";

const config: PublicConfig = {
  chainId: 31337,
  chainName: "Local development chain",
  rpcUrl: "http://127.0.0.1:8545",
  registry: `0x${"12".repeat(20)}` as Hex,
  localDevChain: true,
};

Deno.test("devAccountKeys: offered on the local development chain only", () => {
  assert.ok(devAccountKeys(config).length > 0);
  assert.deepEqual(devAccountKeys({ ...config, localDevChain: false }), []);
  assert.deepEqual(devAccountKeys({ ...config, chainId: 11155111, localDevChain: false }), []);
});

Deno.test("discoverWallets: every announced wallet, then window.ethereum as a fallback", () => {
  const target = new EventTarget() as EventTarget & { ethereum?: unknown };
  const provider = (): Eip1193Provider => ({ request: () => Promise.resolve(null) });
  const legacy = provider();
  target.ethereum = legacy;
  const a = provider();
  target.addEventListener("eip6963:requestProvider", () => {
    target.dispatchEvent(
      new CustomEvent("eip6963:announceProvider", {
        detail: {
          info: { uuid: "1", name: "A", rdns: "a.example", icon: "javascript:x" },
          provider: a,
        },
      }),
    );
  });
  let seen: WalletOption[] = [];
  const stop = discoverWallets((list) => seen = list, target);
  // A wallet that starts late announces by itself.
  const b = provider();
  target.dispatchEvent(
    new CustomEvent("eip6963:announceProvider", {
      detail: { info: { uuid: "2", name: "B", rdns: "b.example" }, provider: b },
    }),
  );
  // Malformed announcements are ignored.
  target.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: { info: {} } }));
  stop();
  assert.deepEqual(seen.map((w) => w.id), ["a.example", "b.example", "injected"]);
  assert.equal(seen[0].icon, undefined); // not a data:image URI
  assert.equal(seen[2].provider, legacy);
});

Deno.test("walletErrorMessage: EIP-1193 codes become sentences", () => {
  assert.equal(walletErrorMessage({ code: 4001 }), "You declined the request in your wallet.");
  assert.match(walletErrorMessage({ code: -32002 }), /already has a request waiting/);
  assert.equal(walletErrorMessage(new Error("boom\nstack")), "boom");
});
