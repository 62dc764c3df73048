import assert from "node:assert/strict";
import type { Hex } from "viem";
import { computeCommitment, formatFingerprint, storedCommitment } from "../core/mod.ts";
import { encodeBase64Url } from "../core/bytes.ts";
import { startTestChain } from "../../testing/chain.ts";
import { walletConnection as connection } from "../../testing/engine_io.ts";
import { memberList, memberProof } from "./members.ts";
import { ChainUnavailableError } from "../chain/errors.ts";
import { registryReader } from "../chain/registry.ts";
import { commitKey, createRoom, TxFailedError, type TxState } from "./transactions.ts";
import { PeerVerificationError, verifyPeerDescription } from "./verify_peer.ts";

function sessionKeys(seed: number) {
  const publicKey = new Uint8Array(32).fill(seed);
  const fingerprint = new Uint8Array(32).fill(seed + 1);
  const kemKey = new Uint8Array(1184).fill(seed + 2);
  return { publicKey, fingerprint, kemKey };
}

function sdpWith(fingerprint: Uint8Array): string {
  const line = `a=fingerprint:sha-256 ${formatFingerprint(fingerprint)}`;
  return `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n${line}\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n${line}\r\n`;
}

Deno.test("transactions: rooms, commitments and peer checks on a real chain", async (t) => {
  const chain = await startTestChain();
  try {
    const alice = connection(chain, 1);
    const bob = connection(chain, 2);
    const carol = connection(chain, 3);
    const registry = chain.registry;
    let open: Hex;

    await t.step("createRoom: reports wallet, pending, mined and returns the room id", async () => {
      const phases: TxState["phase"][] = [];
      open = await createRoom(alice, registry, {}, (s) => phases.push(s.phase));
      assert.deepEqual(phases, ["wallet", "pending", "mined"]);
      const room = await registryReader(alice.publicClient, registry).room(open);
      assert.equal(room?.creator, alice.address);
      assert.equal(room?.membersOnly, false);
    });

    await t.step("commitKey + verifyPeerDescription: the committed keys verify", async () => {
      const keys = sessionKeys(7);
      const commitment = computeCommitment({
        chainId: chain.chainId,
        registry,
        roomId: open,
        member: bob.address,
        ...keys,
      });
      await commitKey(bob, registry, open, commitment, [], () => {});
      const stored = await registryReader(alice.publicClient, registry).commitment(
        open,
        bob.address,
      );
      assert.equal(stored?.commitment, storedCommitment(commitment));
      const base = { chainId: chain.chainId, registry, roomId: open, peer: bob.address };
      const kemKey = encodeBase64Url(keys.kemKey);
      const ok = await verifyPeerDescription(alice.publicClient, {
        ...base,
        kemKey,
        publicKey: encodeBase64Url(keys.publicKey),
        sdp: sdpWith(keys.fingerprint),
      });
      assert.deepEqual(ok.fingerprint, keys.fingerprint);

      type Change = Partial<typeof base> & { publicKey: string; kemKey?: string; sdp: string };
      const refused: [string, Change][] = [
        ["commitment-mismatch", {
          publicKey: encodeBase64Url(new Uint8Array(32).fill(9)),
          sdp: sdpWith(keys.fingerprint),
        }],
        ["commitment-mismatch", {
          publicKey: encodeBase64Url(keys.publicKey),
          sdp: sdpWith(new Uint8Array(32).fill(1)),
        }],
        ["no-commitment", {
          peer: carol.address,
          publicKey: encodeBase64Url(keys.publicKey),
          sdp: sdpWith(keys.fingerprint),
        }],
        ["commitment-mismatch", {
          publicKey: encodeBase64Url(keys.publicKey),
          kemKey: encodeBase64Url(new Uint8Array(1184).fill(1)),
          sdp: sdpWith(keys.fingerprint),
        }],
        ["bad-kem-key", {
          publicKey: encodeBase64Url(keys.publicKey),
          kemKey: "",
          sdp: sdpWith(keys.fingerprint),
        }],
        ["bad-sdp", {
          publicKey: encodeBase64Url(keys.publicKey),
          sdp: sdpWith(keys.fingerprint) +
            `a=fingerprint:sha-256 ${formatFingerprint(new Uint8Array(32))}\r\n`,
        }],
      ];
      for (const [reason, change] of refused) {
        await assert.rejects(
          verifyPeerDescription(alice.publicClient, { ...base, kemKey, ...change }),
          (e) => e instanceof PeerVerificationError && e.reason === reason,
          reason,
        );
      }
    });

    await t.step(
      "members-only: a member commits with a proof, a non-member is refused",
      async () => {
        const list = memberList([alice.address, bob.address]);
        const room = await createRoom(alice, registry, { membersRoot: list.root }, () => {});
        const commitment = computeCommitment({
          chainId: chain.chainId,
          registry,
          roomId: room,
          member: bob.address,
          ...sessionKeys(3),
        });
        await commitKey(bob, registry, room, commitment, memberProof(list, bob.address), () => {});
        const states: TxState[] = [];
        await assert.rejects(
          commitKey(carol, registry, room, commitment, [], (s) => states.push(s)),
          (e) =>
            e instanceof TxFailedError && e.errorName === "RegistryNotMember" &&
            /not on this room's member list/.test(e.reason),
        );
        assert.equal(states.at(-1)?.phase, "failed");
      },
    );

    await t.step("registryReader: an unreachable chain is ChainUnavailableError", async () => {
      await chain.goOffline();
      try {
        await assert.rejects(
          registryReader(alice.publicClient, registry).room(open),
          ChainUnavailableError,
        );
      } finally {
        await chain.goOnline();
      }
    });
  } finally {
    await chain.stop();
  }
});
