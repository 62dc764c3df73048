import assert from "node:assert/strict";
import {
  fingerprintFromSdp,
  formatFingerprint,
  parseFingerprint,
  SdpFingerprintError,
  sdpSession,
} from "./sdp.ts";

const FP = Array.from(
  { length: 32 },
  (_, i) => (i * 7 + 1).toString(16).padStart(2, "0").toUpperCase(),
).join(":");
const BYTES = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);

function sdp(...fingerprintLines: string[]): string {
  return [
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
    "a=group:BUNDLE 0",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    "a=ice-ufrag:abcd",
    ...fingerprintLines,
    "a=setup:actpass",
    "a=mid:0",
    "",
  ].join("\r\n");
}

Deno.test("fingerprintFromSdp", async (t) => {
  await t.step("behavior: reads the single sha-256 fingerprint", () => {
    assert.deepEqual(fingerprintFromSdp(sdp(`a=fingerprint:sha-256 ${FP}`)), BYTES);
  });
  await t.step("behavior: accepts repeats of the same value in any case, and \\n line ends", () => {
    const text = sdp(`a=fingerprint:SHA-256 ${FP}`, `a=fingerprint:sha-256 ${FP.toLowerCase()}`)
      .replaceAll("\r\n", "\n");
    assert.deepEqual(fingerprintFromSdp(text), BYTES);
  });
  await t.step(
    "error: missing, other-hash, differing or malformed fingerprints are refused",
    () => {
      const other = FP.replace(/^..:/, "00:");
      const bad = [
        sdp(),
        "",
        sdp(`a=fingerprint:sha-1 ${FP.slice(0, 59)}`),
        sdp(`a=fingerprint:sha-256 ${FP}`, `a=fingerprint:sha-512 ${FP}`),
        sdp(`a=fingerprint:sha-256 ${FP}`, `a=fingerprint:sha-256 ${other}`),
        sdp("a=fingerprint:sha-256"),
        sdp(`a=fingerprint: sha-256 ${FP}`),
        sdp(`a=fingerprint:sha-256 ${FP} extra`),
        sdp(`a=fingerprint:sha-256 ${FP.slice(3)}`),
        sdp(`a=fingerprint:sha-256 ${FP}:AB`),
        sdp(`a=fingerprint:sha-256 ${FP.replace(/^../, "GG")}`),
      ];
      for (const [i, text] of bad.entries()) {
        assert.throws(() => fingerprintFromSdp(text), SdpFingerprintError, `case ${i}`);
      }
    },
  );
});

Deno.test("parseFingerprint and formatFingerprint", async (t) => {
  await t.step("behavior: round trip, upper case out, either case in", () => {
    assert.equal(formatFingerprint(BYTES), FP);
    assert.deepEqual(parseFingerprint(FP.toLowerCase()), BYTES);
    assert.deepEqual(parseFingerprint(` ${FP} `), BYTES);
  });
  await t.step("error: anything but 32 colon-separated hex bytes is refused", () => {
    for (
      const bad of [
        "",
        "AB",
        FP + ":",
        FP.replaceAll(":", ""),
        FP.replace(":", "-"),
        FP.replace(/^./, "x"),
        FP.replace(/^../, "ABC"),
      ]
    ) {
      assert.throws(() => parseFingerprint(bad), SdpFingerprintError, bad);
    }
  });
});

Deno.test("sdpSession: the origin line's session id, or null without one", () => {
  assert.equal(
    sdpSession("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n"),
    "4611731400430051336",
  );
  assert.equal(sdpSession("v=0\no=mozilla...THIS_IS_SDPARTA-99.0 7712 0 IN IP4 0.0.0.0\n"), "7712");
  assert.equal(sdpSession("v=0\r\ns=-\r\n"), null);
  assert.equal(sdpSession("v=0\r\na=o=- 1 2 IN IP4 x\r\n"), null);
});
