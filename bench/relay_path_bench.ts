/**
 * Micro-benchmarks of the per-message work on Mesh3's relay path (run by `deno task bench` with
 * `deno bench --json`), each next to the plain JSON operation the bare relay does instead, so the
 * profile's findings have a size: parsing an ICE frame as the server does (its fast path with the
 * socket's memo, app/server/signaling/parse_client_frame.ts) and with the core's valibot schemas
 * alone, vs `JSON.parse`; encoding the relayed frame vs `JSON.stringify`; and the offer check's
 * pure part (fingerprint from SDP + commitment).
 * @module
 */
import { getAddress } from "viem";
import { computeCommitment } from "../app/core/commitment.ts";
import { fingerprintFromSdp } from "../app/core/sdp.ts";
import { decodeBase64Url } from "../app/core/bytes.ts";
import { encodeWireMessage, parseClientMessage } from "../app/core/wire.ts";
import { parseClientFrame } from "../app/server/signaling/parse_client_frame.ts";
import { testSdp } from "../testing/sdp.ts";

const to = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const roomId = `0x${"ab".repeat(32)}` as const;
const candidate = {
  candidate:
    "candidate:842163049 1 udp 1677729535 127.0.0.1 54321 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag 7Lq2 network-cost 999",
  sdpMid: "0",
  sdpMLineIndex: 0,
};
const iceFrame = JSON.stringify({ v: 1, type: "ice", to, roomId, candidate });
const outgoing = { v: 1 as const, type: "ice" as const, from: to, roomId, candidate };
const sdp = testSdp(new Uint8Array(32).fill(0xab));
const publicKey = "q".repeat(43);
const kemKey = "q".repeat(1579);

Deno.bench("JSON.parse ICE frame (bare relay)", { group: "parse", baseline: true }, () => {
  JSON.parse(iceFrame);
});
const memo = {};
Deno.bench("parseClientFrame ICE frame (Mesh3 server)", { group: "parse" }, () => {
  parseClientFrame(iceFrame, memo);
});
Deno.bench("parseClientMessage ICE frame (core schemas alone)", { group: "parse" }, () => {
  parseClientMessage(iceFrame);
});
Deno.bench("viem getAddress (checksum, cached)", { group: "parse" }, () => {
  getAddress(to);
});

Deno.bench("JSON.stringify relayed ICE frame", { group: "encode", baseline: true }, () => {
  JSON.stringify(outgoing);
});
Deno.bench("encodeWireMessage relayed ICE frame (Mesh3)", { group: "encode" }, () => {
  encodeWireMessage(outgoing);
});

Deno.bench("offer check, pure part (fingerprint + commitment)", () => {
  computeCommitment({
    chainId: 31337,
    registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    roomId,
    member: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
    publicKey: decodeBase64Url(publicKey),
    fingerprint: fingerprintFromSdp(sdp),
    kemKey: decodeBase64Url(kemKey),
  });
});
