import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import { type CommitmentReader, describeKeys, type VerifiedKeys } from "../chain/offer_check.ts";
import { type StoredCommitment, ZERO_ROOT } from "../chain/room.ts";
import { storedCommitment } from "../core/commitment.ts";
import { checkRenegotiation } from "./link_verify.ts";
import type { LinkSession } from "./link_types.ts";

const roomId = `0x${"ab".repeat(32)}` as Hex;
const peer = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const ctx = { chainId: 31337, registry, roomId, member: peer };
const sdp = (byte: string) => `v=0\r\na=fingerprint:sha-256 ${Array(32).fill(byte).join(":")}\r\n`;
const first = { publicKey: "A".repeat(43), kemKey: "A".repeat(1579), sdp: sdp("AB") };
const before: VerifiedKeys = { ...describeKeys(ctx, first), blockNumber: 7n };

/** A session whose chain holds `stored` for the peer (or cannot be read), counting reads. */
function session(stored: () => Promise<StoredCommitment | null>) {
  let reads = 0;
  const reader: CommitmentReader = {
    room: () =>
      Promise.resolve({
        roomId,
        creator: peer,
        membersRoot: ZERO_ROOT,
        expiresAt: 0n,
        closed: false,
        membersOnly: false,
      }),
    commitment: () => (reads++, stored()),
    nowSeconds: () => Date.now() / 1000,
  };
  const s = { chainId: 31337, registry, roomId, reader } as unknown as LinkSession;
  return { session: s, reads: () => reads };
}

const onChain = () =>
  Promise.resolve({ commitment: storedCommitment(before.commitment), blockNumber: 7n });

Deno.test("checkRenegotiation: the same keys pass at once; the chain check follows and passes", async () => {
  const s = session(onChain);
  const again = { ...first, sdp: `${first.sdp}m=video 9 UDP/TLS/RTP/SAVPF 96\r\n` };
  const check = checkRenegotiation(s.session, peer, before, again);
  assert.equal(check.ok, true);
  if (!check.ok) return;
  assert.deepEqual(check.verified.fingerprint, before.fingerprint);
  assert.equal(await check.chain, null);
  assert.equal(s.reads(), 1);
});

Deno.test("checkRenegotiation: error: a swapped fingerprint is refused before the chain is asked", () => {
  const s = session(onChain);
  const check = checkRenegotiation(s.session, peer, before, { ...first, sdp: sdp("CD") });
  assert.equal(check.ok, false);
  if (check.ok) return;
  assert.equal(check.refuse, true);
  assert.equal(check.kind, "commitment-mismatch");
  assert.match(check.message, /^Refused the peer's connection: its keys do not match/);
  assert.equal(s.reads(), 0);
});

Deno.test("checkRenegotiation: error: a swapped key or an SDP without fingerprint is refused at once", () => {
  const s = session(onChain);
  for (
    const [d, why] of [
      [{ ...first, publicKey: "B".repeat(43) }, /its keys do not match/],
      [{ ...first, kemKey: "B".repeat(1579) }, /its keys do not match/],
      [{ ...first, sdp: "v=0\r\n" }, /SHA-256 DTLS fingerprint/],
    ] as const
  ) {
    const check = checkRenegotiation(s.session, peer, before, d);
    assert.equal(check.ok, false);
    if (!check.ok) assert.match(check.message, why);
  }
  assert.equal(s.reads(), 0);
});

Deno.test("checkRenegotiation: error: a commitment changed on chain since is refused by the chain part", async () => {
  const other = describeKeys(ctx, { ...first, sdp: sdp("EF") });
  const s = session(() =>
    Promise.resolve({ commitment: storedCommitment(other.commitment), blockNumber: 9n })
  );
  const check = checkRenegotiation(s.session, peer, before, first);
  assert.equal(check.ok, true);
  if (!check.ok) return;
  const problem = await check.chain;
  assert.equal(problem?.refuse, true);
  assert.match(problem!.message, /^Refused the peer's connection: its keys do not match/);
});

Deno.test("checkRenegotiation: error: an unreachable chain fails the chain part (fail closed)", async () => {
  const s = session(() => Promise.reject(new ChainUnavailableError("connection refused")));
  const check = checkRenegotiation(s.session, peer, before, first);
  assert.equal(check.ok, true);
  if (!check.ok) return;
  const problem = await check.chain;
  assert.equal(problem?.kind, "chain-unreachable");
  assert.equal(problem?.refuse, false);
});
