/**
 * Hardhat Ignition module of the RoomRegistry. Ignition records the address under the future id
 * `RoomRegistryModule#RoomRegistry` in `ignition/deployments/chain-<id>/deployed_addresses.json`,
 * where `app/chain/deployment.ts` reads it. Run through `deno task deploy [--network name]`.
 * @module
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export default buildModule("RoomRegistryModule", (m) => {
  const registry = m.contract("RoomRegistry");
  return { registry };
});
