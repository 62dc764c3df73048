import assert from "node:assert/strict";
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../chain/errors.ts";
import { type CommitmentReader, describeKeys, type VerifiedKeys } from "../chain/offer_check.ts";
import type { StoredCommitment } from "../chain/room.ts";
import { openRoom } from "../../testing/core_fixtures.ts";
import { storedCommitment } from "../core/commitment.ts";
import { CommitmentPreread } from "./commitment_preread.ts";
import { LinkChecks, readAhead } from "./link_checks.ts";
import { checkFirstDescription, checkRenegotiation } from "./link_verify.ts";
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
    room: () => Promise.resolve(openRoom(roomId, peer)),
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

/** A session with a pre-read of the peer's commitment (`pre`) and the chain's answer now. */
async function withPreread(
  pre: () => Promise<StoredCommitment | null>,
  now: () => Promise<StoredCommitment | null>,
) {
  let reading = pre;
  const s = session(() => reading());
  const preread = new CommitmentPreread(s.session.reader, roomId);
  await preread.read(peer).catch(() => {});
  reading = now;
  return { session: { ...s.session, preread } as LinkSession, reads: s.reads };
}

Deno.test("checkFirstDescription: keys matching the pre-read pass at once; the chain is read again alongside", async () => {
  const s = await withPreread(onChain, onChain);
  const check = await checkFirstDescription(s.session, peer, first);
  assert.equal(check.ok, true);
  if (!check.ok) return;
  assert.equal(check.verified.commitment, before.commitment);
  assert.equal(s.reads(), 2); // the pre-read, and the chain's read made alongside
  assert.equal(await check.chain, null);
});

Deno.test("checkFirstDescription: error: a commitment replaced on chain after the pre-read is refused by the chain part", async () => {
  const other = describeKeys(ctx, { ...first, sdp: sdp("EF") });
  const replaced = () =>
    Promise.resolve({ commitment: storedCommitment(other.commitment), blockNumber: 9n });
  const s = await withPreread(onChain, replaced);
  const check = await checkFirstDescription(s.session, peer, first);
  assert.equal(check.ok, true); // the pre-read matched: the description may be applied...
  if (!check.ok) return;
  const problem = await check.chain; // ...but the link does not open: the chain disagrees
  assert.equal(problem?.refuse, true);
  assert.equal(problem?.kind, "commitment-mismatch");
  assert.match(problem!.message, /^Refused the peer's connection: its keys do not match/);
});

Deno.test("checkFirstDescription: keys not matching the pre-read are checked on chain now (the peer re-committed)", async () => {
  const other = describeKeys(ctx, { ...first, sdp: sdp("EF") });
  const old = () =>
    Promise.resolve({ commitment: storedCommitment(other.commitment), blockNumber: 5n });
  const s = await withPreread(old, onChain);
  const check = await checkFirstDescription(s.session, peer, first);
  assert.equal(check.ok, true);
  if (check.ok) assert.equal(await check.chain, null);
  assert.equal(s.reads(), 2);
});

Deno.test("checkFirstDescription: error: swapped keys are refused by the chain read, a bad SDP at once", async () => {
  const s = await withPreread(onChain, onChain);
  const swapped = await checkFirstDescription(s.session, peer, { ...first, sdp: sdp("CD") });
  assert.equal(swapped.ok, false);
  if (!swapped.ok) assert.match(swapped.message, /its keys do not match/);
  const bad = await checkFirstDescription(s.session, peer, { ...first, sdp: "v=0\r\n" });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.message, /SHA-256 DTLS fingerprint/);
});

Deno.test("checkFirstDescription: error: a failed pre-read falls back to a read now, which fails closed", async () => {
  const down = () => Promise.reject(new ChainUnavailableError("down"));
  const s = await withPreread(down, down);
  const check = await checkFirstDescription(s.session, peer, first);
  assert.equal(check.ok, false);
  if (!check.ok) assert.equal(check.kind, "chain-unreachable");
  const t = await withPreread(down, onChain);
  const ok = await checkFirstDescription(t.session, peer, first);
  assert.equal(ok.ok, true);
  if (ok.ok) assert.equal(await ok.chain, null); // read now: nothing left to agree on
});

Deno.test("checkFirstDescription: without pre-reads (or a stale one) it reads the chain now", async () => {
  const s = session(onChain);
  const check = await checkFirstDescription(s.session, peer, first);
  assert.equal(check.ok, true);
  assert.equal(s.reads(), 1);
  const t = await withPreread(onChain, onChain);
  t.session.preread!.blockSeen(1n);
  t.session.preread!.blockSeen(2n); // a newer block seen since the pre-read
  const stale = await checkFirstDescription(t.session, peer, first);
  assert.equal(stale.ok, true);
  if (stale.ok) assert.equal(await stale.chain, null);
  assert.equal(t.reads(), 2);
});

Deno.test("checkFirstDescription: the chain's verdict comes from the offerer's reads, made as its offer went out", async () => {
  const other = describeKeys(ctx, { ...first, sdp: sdp("EF") });
  const replaced = () =>
    Promise.resolve({ commitment: storedCommitment(other.commitment), blockNumber: 9n });
  // Pre-read: our keys. Then the peer committed others, and the offer went out (reads ahead).
  const s = await withPreread(onChain, replaced);
  const ahead = readAhead(s.session.reader, roomId, peer);
  assert.equal(s.reads(), 2, "the read ahead started when it was made");
  const check = await checkFirstDescription(s.session, peer, first, ahead);
  assert.equal(check.ok, true); // the pre-read matched...
  if (!check.ok) return;
  const problem = await check.chain; // ...the chain as the offer went out does not
  assert.equal(problem?.kind, "commitment-mismatch");
  assert.equal(s.reads(), 2, "the verdict read nothing more");
});

Deno.test("readAhead: a member's room and commitment are read once, at once; other reads go through", async () => {
  let rooms = 0;
  let commitments = 0;
  const reader: CommitmentReader = {
    room: () => (rooms++, Promise.resolve(openRoom(roomId, peer))),
    commitment: () => (commitments++, onChain()),
    nowSeconds: () => 1,
  };
  const ahead = readAhead(reader, roomId, peer);
  assert.deepEqual([rooms, commitments], [1, 1]);
  assert.equal((await ahead.commitment(roomId, peer.toLowerCase() as Address))?.blockNumber, 7n);
  assert.ok(await ahead.room(roomId));
  assert.deepEqual([rooms, commitments], [1, 1]);
  await ahead.commitment(roomId, registry);
  await ahead.room(`0x${"cd".repeat(32)}`);
  assert.deepEqual([rooms, commitments], [2, 2]);
  // A failed read is the asker's to see, not an unhandled rejection.
  const failing = readAhead(
    {
      ...reader,
      commitment: () => Promise.reject(new ChainUnavailableError()),
    },
    roomId,
    peer,
  );
  await assert.rejects(failing.commitment(roomId, peer), ChainUnavailableError);
});

Deno.test("LinkChecks: the offerer's commitment check starts the reads its answer's chain verdict uses", async () => {
  const s = await withPreread(onChain, onChain);
  const checks = new LinkChecks(s.session, peer, () => {}, () => false);
  assert.equal(await checks.peerCommitted(), true); // the pre-read: no read now...
  assert.equal(s.reads(), 2); // ...but the read ahead started
  assert.ok(await checks.first(first));
  assert.equal(await checks.chainAgreed, true);
  assert.equal(s.reads(), 2, "the answer's verdict came from the read made as the offer went out");
});
