/**
 * Makes the {@linkcode OfferCheckFixture} of the offer check's case table on a real test chain:
 * an open room where the sender committed twice (stale, then current keys), a closed room, a room
 * past its expiry on chain time and on this machine's clock (the browser judges rooms by its own
 * clock), and an id no room has.
 * @module
 */
import { type Hex, toHex } from "viem";
import type { TestChain } from "./chain.ts";
import type { OfferCheckFixture } from "./offer_check_cases.ts";
import { closeRoom, commit, createRoom, makeKeys, type TestKeys } from "./server.ts";
import { waitUntil } from "./wait_until.ts";

/** Development accounts the fixture uses: creator 1, sender 2, uncommitted 3, receiver 4. */
const ACCOUNTS = { creator: 1, sender: 2, uncommitted: 3, receiver: 4 } as const;

/**
 * Creates the rooms and commitments. Takes a few seconds: the expiring room must expire on the
 * wall clock too.
 *
 * @param chain A fresh test chain (its clock not moved by `evm_increaseTime`).
 * @returns The fixture, JSON-safe (it is handed to browser pages as it is).
 *
 * @example
 * ```ts ignore
 * const fixture = await makeOfferCheckFixture(chain);
 * for (const c of OFFER_CHECK_CASES) check(c.build(fixture));
 * ```
 */
export async function makeOfferCheckFixture(chain: TestChain): Promise<OfferCheckFixture> {
  const { expired: expiring } = await expiringRoom(chain);
  const open = await createRoom(chain, ACCOUNTS.creator);
  const stale = makeKeys(chain, open);
  const current = makeKeys(chain, open);
  await commit(chain, ACCOUNTS.sender, open, stale);
  await commit(chain, ACCOUNTS.sender, open, current);
  // Mallory (the receiver) copies the sender's commitment into her own slot: v2 binds the
  // member's address, so the sender's keys do not match her slot (a case of the table).
  const sender = chain.walletClient(ACCOUNTS.sender).account.address;
  await commit(chain, ACCOUNTS.receiver, open, {
    ...current,
    commitmentOf: () => current.commitmentOf(sender),
  });
  const closed = await createRoom(chain, ACCOUNTS.creator);
  await commit(chain, ACCOUNTS.sender, closed, makeKeys(chain, closed));
  await closeRoom(chain, ACCOUNTS.creator, closed);
  const expired = await expiring;
  const address = (index: number) => chain.walletClient(index).account.address;
  return {
    chainId: chain.chainId,
    registry: chain.registry,
    rooms: { open, closed, expired, unknown: toHex(crypto.getRandomValues(new Uint8Array(32))) },
    accounts: {
      sender: { index: ACCOUNTS.sender, address: address(ACCOUNTS.sender) },
      uncommitted: { index: ACCOUNTS.uncommitted, address: address(ACCOUNTS.uncommitted) },
      receiver: { index: ACCOUNTS.receiver, address: address(ACCOUNTS.receiver) },
    },
    current: pick(current),
    stale: pick(stale),
    receiver: pick(current),
  };
}

const pick = (k: TestKeys) => ({
  publicKey: k.publicKey,
  kemKey: k.kemKey,
  fingerprint: k.fingerprint,
});

/**
 * A room that expires two seconds from its creation, and a promise that resolves once both
 * clocks have passed the expiry: the wall clock (waited out while the caller makes its other
 * transactions) and the chain's (moved on if it lags, then one block mined).
 */
async function expiringRoom(chain: TestChain): Promise<{ expired: Promise<Hex> }> {
  const block = await chain.publicClient.getBlock();
  const wall = BigInt(Math.floor(Date.now() / 1000));
  const expiresAt = (block.timestamp > wall ? block.timestamp : wall) + 2n;
  const roomId = await createRoom(chain, ACCOUNTS.creator, { expiresAt });
  const expired = (async () => {
    // Bounded: at most 30 s of wall clock, in 100 ms steps.
    await waitUntil(() => Date.now() / 1000, (now) => now > Number(expiresAt) + 0.5, {
      tries: 300,
      everyMs: 100,
    });
    const behind = expiresAt + 1n - (await chain.publicClient.getBlock()).timestamp;
    if (behind > 0n) {
      await chain.publicClient.request({
        method: "evm_increaseTime",
        params: [Number(behind)],
      } as never);
    }
    await chain.publicClient.request({ method: "evm_mine", params: [] } as never);
    const latest = await chain.publicClient.getBlock();
    if (latest.timestamp < expiresAt || Date.now() / 1000 < Number(expiresAt)) {
      throw new Error("Cannot make the expired room: the clocks did not pass its expiry");
    }
    return roomId;
  })();
  return { expired };
}
