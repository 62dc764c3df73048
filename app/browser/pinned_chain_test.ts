import assert from "node:assert/strict";
import { pinnedChainCheck } from "./pinned_chain.ts";

const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const resolver = "0xCe01f8eee7E479C928F8919abD53E553a36CeF67";

Deno.test("pinnedChainCheck: the pinned chain and registry pass, in any letter case", () => {
  const check = pinnedChainCheck({ chainId: 31337, registry });
  assert.equal(check({ config: { chainId: 31337, registry: registry.toLowerCase() } }), null);
  assert.equal(check({ other: 1 }), null); // an island without a config prop
});

Deno.test("pinnedChainCheck: another chain or registry is refused, saying which", () => {
  const check = pinnedChainCheck({ chainId: 31337, registry });
  const other = check({ config: { chainId: 31337, registry: "0x" + "11".repeat(20) } });
  assert.match(other!, /names RoomRegistry 0x1111.* built for RoomRegistry 0x5fbdb/);
  assert.match(check({ config: { chainId: 1, registry } })!, /on chain 1, but/);
  assert.match(check({ config: { chainId: "31337", registry } })!, /refuses to run/);
});

Deno.test("pinnedChainCheck: an ENS resolver the bundle was not built for is refused", () => {
  const bare = pinnedChainCheck({ chainId: 31337, registry });
  const lying = { chainId: 31337, registry, ensUniversalResolver: resolver };
  assert.match(bare({ config: lying })!, /names ENS resolver 0xce01.*built for no ENS resolver/);

  const named = pinnedChainCheck({ chainId: 31337, registry, ensUniversalResolver: resolver });
  assert.equal(named({ config: { ...lying, ensUniversalResolver: resolver.toUpperCase() } }), null);
  assert.match(named({ config: { chainId: 31337, registry } })!, /names no ENS resolver/);
  const swapped = { ...lying, ensUniversalResolver: "0x" + "22".repeat(20) };
  assert.match(named({ config: swapped })!, /ENS resolver 0x2222.*built for ENS resolver 0xce01/);
});

Deno.test("pinnedChainCheck: an ENS RPC URL the bundle was not built for is refused", () => {
  const pin = { chainId: 31337, registry, ensUniversalResolver: resolver };
  const check = pinnedChainCheck({ ...pin, ensRpcUrl: "https://ens.example" });
  assert.equal(check({ config: { ...pin, ensRpcUrl: "https://ens.example" } }), null);
  const moved = check({ config: { ...pin, ensRpcUrl: "https://liar.example" } });
  assert.match(moved!, /via https:\/\/liar\.example, but .* via https:\/\/ens\.example/);
  assert.match(check({ config: pin })!, /refuses to run/);
});
