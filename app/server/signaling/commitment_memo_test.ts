import assert from "node:assert/strict";
import type { Hex } from "viem";
import { OfferRefusedError } from "../../chain/offer_check.ts";
import { computeCommitment } from "../../core/commitment.ts";
import { fingerprintFromSdp, formatFingerprint } from "../../core/sdp.ts";
import { bytesToHex as hex, decodeBase64Url, encodeBase64Url } from "../../core/bytes.ts";
import { CommitmentMemo } from "./commitment_memo.ts";

const chainId = 31337;
const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Hex;
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const sdpWith = (fp: Uint8Array, session: string, pad = "") =>
  [
    "v=0",
    `o=- ${session} 2 IN IP4 127.0.0.1`,
    "s=-",
    "t=0 0",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    `a=fingerprint:sha-256 ${formatFingerprint(fp)}`,
    pad,
    "",
  ].join("\r\n");
const MEMBER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const KEM = encodeBase64Url(random(1184));
const direct = (roomId: Hex, member: Hex, publicKey: string, sdp: string) =>
  computeCommitment({
    chainId,
    registry,
    roomId,
    member,
    publicKey: decodeBase64Url(publicKey),
    fingerprint: fingerprintFromSdp(sdp),
    kemKey: decodeBase64Url(KEM),
  });

Deno.test("CommitmentMemo", async (t) => {
  await t.step("behavior: the same commitment as computing it, on repeats and evictions", () => {
    // Small caps so entries are evicted and computed again along the way.
    const memo = new CommitmentMemo({ chainId, registry, maxEntries: 3, maxSdpLength: 400 });
    const rooms = [hex(random(32)), hex(random(32))];
    const keys = [encodeBase64Url(random(32)), encodeBase64Url(random(65))];
    const fps = [random(32), random(32)];
    const members: Hex[] = [MEMBER, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"];
    for (let i = 0; i < 200; i++) {
      const roomId = rooms[i % 2];
      const member = members[(i >> 3) % 2];
      const publicKey = keys[(i >> 1) % 2];
      // Repeated SDPs, new SDP text with the same fingerprint, and SDPs too long to keep.
      const sdp = sdpWith(
        fps[(i >> 2) % 2],
        String(i % 5),
        i % 7 === 0 ? "a=x:" + "p".repeat(500) : "",
      );
      const described = memo.describe({ roomId, member }, { publicKey, kemKey: KEM, sdp });
      assert.equal(described.commitment, direct(roomId, member, publicKey, sdp));
      assert.deepEqual(described.publicKey, decodeBase64Url(publicKey));
      assert.deepEqual(described.fingerprint, fingerprintFromSdp(sdp));
    }
  });

  await t.step("error: an SDP without a single sha-256 fingerprint, every time", () => {
    const memo = new CommitmentMemo({ chainId, registry });
    const roomId = hex(random(32));
    const publicKey = encodeBase64Url(random(32));
    const fp = random(32);
    const bad = [
      sdpWith(fp, "1").replace("a=fingerprint", "a=fingerprynt"),
      sdpWith(fp, "2").replace("sha-256", "sha-1"),
      sdpWith(fp, "3", `a=fingerprint:sha-256 ${formatFingerprint(random(32))}`),
    ];
    for (const sdp of bad) {
      assert.throws(() => fingerprintFromSdp(sdp));
      for (let i = 0; i < 2; i++) {
        assert.throws(
          () => memo.describe({ roomId, member: MEMBER }, { publicKey, kemKey: KEM, sdp }),
          (e) => e instanceof OfferRefusedError && e.reason === "bad-sdp",
        );
      }
    }
  });

  await t.step("error: a public key of the wrong length or not base64url, every time", () => {
    const memo = new CommitmentMemo({ chainId, registry });
    const sdp = sdpWith(random(32), "1");
    for (const key of [encodeBase64Url(random(33)), "not*base64"]) {
      for (let i = 0; i < 2; i++) {
        assert.throws(
          () =>
            memo.describe({ roomId: hex(random(32)), member: MEMBER }, {
              publicKey: key,
              kemKey: KEM,
              sdp,
            }),
          (e) => e instanceof OfferRefusedError && e.reason === "bad-key",
        );
      }
    }
  });

  await t.step("error: a missing or wrong-length ML-KEM key (a v1 peer), every time", () => {
    const memo = new CommitmentMemo({ chainId, registry });
    const sdp = sdpWith(random(32), "1");
    const publicKey = encodeBase64Url(random(32));
    for (const kemKey of [encodeBase64Url(random(1183)), "", undefined as unknown as string]) {
      for (let i = 0; i < 2; i++) {
        assert.throws(
          () =>
            memo.describe({ roomId: hex(random(32)), member: MEMBER }, { publicKey, kemKey, sdp }),
          (e) => e instanceof OfferRefusedError && e.reason === "bad-kem-key",
        );
      }
    }
  });
});
